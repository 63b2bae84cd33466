"""Where to send the user next, without open redirects, and links that keep the page's query."""

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(target: str | None, default_endpoint: str = "public.home") -> str:
    """``target`` if it is a path on this site, else the default page (also for a target
    with a control character: a line break cannot go in the ``Location`` header)."""
    if target and target.isprintable():
        parts = urlsplit(target)
        local = target.startswith("/") and not target.startswith(("//", "/\\"))
        if local and not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)


def with_query(endpoint: str, **changes) -> str:
    """The URL of ``endpoint`` with this page's query (its filters), ``changes`` applied; a
    change to None drops that parameter: ``with_query("desk.queue", after=cursor,
    before=None)``. Parameters that ``url_for`` reads itself (``endpoint``, ``_anchor``,
    ``_external``…) are not carried over: a query string cannot steer, or break, a link."""
    query = {k: v for k, v in request.args.items() if k != "endpoint" and not k.startswith("_")}
    query.update(changes)
    return url_for(endpoint, **{k: v for k, v in query.items() if v is not None})

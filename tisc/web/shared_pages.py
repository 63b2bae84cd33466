"""Public pages kept whole for visitors: the same bytes for everyone of a language.

The home page, the directory, a centre's page and the map page are the same
for every visitor who reads them in one language until the network changes
(the statistics and the directory's training events for a few minutes).
For a visitor - nobody signed in, no message waiting to be shown - such a
page is rendered once per process under (page and query, language), stamped
with the network's version, and then answered from memory, gzipped once.
Anyone signed in, or with a flashed message, gets a freshly rendered page, and
only a page whose rendering neither used nor changed the session is kept, so
nothing personal is ever shared. Every app server keeps its own copy; the
network version comes from the shared database, so all agree on when a page is
stale - within a second (:func:`tisc.services.network.recent_version`).
"""

import gzip
import hashlib
import time
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, request, session

from tisc.caching import Cache
from tisc.services import demo, network
from tisc.web.i18n import visitor_locale

REMEMBER_COOKIE = "remember_token"


@dataclass(frozen=True)
class Page:
    gzipped: bytes  # kept compressed only: most browsers take it so, the rest get it inflated
    etag: str


pages: Cache[Page] = Cache(size=256)


def shared_page(view=None, *, fresh_for: int | None = None):
    """Answer ``view`` from the shared cache for visitors; render it for everyone else.

    ``fresh_for`` (seconds) bounds the life of a page that also shows figures of
    the requests, which change without the network changing.
    """
    if view is None:
        return lambda view: shared_page(view, fresh_for=fresh_for)

    @wraps(view)
    def serve(*args, **kwargs):
        if not _is_plain_visitor():
            return view(*args, **kwargs)
        locale = visitor_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
        # The demo banner is the one thing on these pages beside the network and the language.
        key, stamp = (request.full_path, locale), (*kept_until_changed(fresh_for), demo.present())
        page = pages.peek(key, stamp)
        if page is None:
            response = current_app.make_response(view(*args, **kwargs))
            if not _shareable(response):
                return response
            page = pages.get(key, lambda: _page(response.get_data()), stamp)
        return _respond(page)

    return serve


def kept_until_changed(fresh_for: int | None = None) -> tuple:
    """What a kept copy of a public page's content depends on beside its address and
    language: the network's recent version and, for a page that also shows figures of the
    requests, which period of ``fresh_for`` seconds it is."""
    return network.recent_version(), int(time.time() // fresh_for) if fresh_for else 0


def _is_plain_visitor() -> bool:
    """Nobody signed in or remembered, and no flashed message waiting."""
    return (
        request.method == "GET"
        and "_user_id" not in session
        and "_flashes" not in session
        and REMEMBER_COOKIE not in request.cookies
    )


def _shareable(response: Response) -> bool:
    """A complete page that did not touch anybody's session (no CSRF token, no message)."""
    return (
        response.status_code == 200
        and not session.modified
        and "Set-Cookie" not in response.headers
        and response.mimetype == "text/html"
    )


def _page(body: bytes) -> Page:
    return Page(gzip.compress(body, 6, mtime=0), hashlib.sha256(body).hexdigest()[:32])


def _respond(page: Page) -> Response:
    compressed = "gzip" in request.accept_encodings
    body = page.gzipped if compressed else gzip.decompress(page.gzipped)
    response = Response(body, mimetype="text/html")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.update(("Accept-Encoding", "Accept-Language", "Cookie"))
    response.set_etag(page.etag)
    response.cache_control.no_cache = True  # revalidate: a 304 when nothing changed
    return response.make_conditional(request)

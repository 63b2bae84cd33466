"""Where to send the user next, without open redirects."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default_endpoint: str = "public.home") -> str:
    """``target`` if it is a path on this site, else the default page."""
    if target:
        parts = urlsplit(target)
        local = target.startswith("/") and not target.startswith(("//", "/\\"))
        if local and not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)

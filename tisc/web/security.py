"""Security headers on every response, with a Content-Security-Policy that allows
only this origin (and the configured map tile server for images)."""

from urllib.parse import urlsplit

from flask import Flask, has_request_context, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from tisc.services import audit, security
from tisc.web.inputs import header_text


def tile_origin(tiles_url: str) -> str:
    """The CSP source for a tile URL template, ``{s}`` subdomains included."""
    parts = urlsplit(tiles_url.replace("{s}.", "*."))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _request_origin() -> dict:
    """For the security log: where the request being served comes from."""
    if not has_request_context():
        return {}
    return {"ip": request.remote_addr or "", "method": request.method, "path": request.path}


PUBLIC_ENDPOINTS = frozenset({"static", "assets.vendor"})


def _private(response) -> bool:
    """Whether a response was made for a signed-in person, so no cache may keep it:
    any page, file or mailbox they open. Public files and responses that say how they
    may be cached (the map scripts) are left alone, without loading the user for them."""
    control = response.cache_control
    if request.endpoint in PUBLIC_ENDPOINTS or control.public or control.no_store:
        return False
    return current_user.is_authenticated


def init_app(app: Flask) -> None:
    policy = "; ".join(
        [
            "default-src 'self'",
            f"img-src 'self' data: {tile_origin(app.config['TISC_TILES_URL'])}".strip(),
            "script-src 'self'",
            # Leaflet positions map panes with inline styles.
            "style-src 'self' 'unsafe-inline'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )

    if hops := int(app.config["TISC_PROXY_HOPS"]):
        # Behind that many trusted proxies, the client is the address they forwarded.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    security.where = _request_origin

    @app.before_request
    def _audit_origin():
        audit.origin.set(header_text(request.remote_addr, 64))  # the origin columns' size

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=()")
        if _private(response):
            response.cache_control.no_store = True
        if hsts := app.config["TISC_HSTS_SECONDS"]:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}")
        return response

"""Error pages, and the mapping of domain refusals to HTTP answers."""

import contextlib
import logging
import time
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from werkzeug.exceptions import HTTPException

from tisc.domain.catalogue import Role
from tisc.domain.errors import Conflict, DomainError, Invalid, NotFound, Refused
from tisc.domain.policy import MAX_FILES
from tisc.extensions import db, limiter, login_manager, policy
from tisc.formatting import explain, in_time
from tisc.services import security
from tisc.web.navigation import safe_next

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("This page is not for your account"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    409: _l("That could not be done"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is temporarily unavailable"),
}
EXPLANATIONS = {
    400: _l("Please go back, check what you entered and try again."),
    403: _l("You are signed in with an account that cannot open this page."),
    404: _l("The page does not exist, or it is not yours to see."),
    405: _l("This address does not accept that kind of request."),
    429: _l("Please wait a while before trying again."),
    500: _l("The error has been logged. Please try again in a moment."),
    503: _l("Our database is not answering just now. Please try again in a minute."),
}
STATUS_OF = {NotFound: 404, Refused: 409, Conflict: 409, Invalid: 400}
# The database is down, unreachable, locked beyond the busy timeout, or its pool is exhausted.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
RETRY_AFTER_SECONDS = 30


def error_page(
    code: int,
    message: str | None = None,
    back: str | None = None,
    back_label: str | None = None,
    also: tuple[str, str] | None = None,
    title: str | None = None,
):
    """The error page; ``back``: a page of this site to go back to (by default the form
    just sent, ``back_label`` naming another); ``also``: one more (address, label);
    ``title``: a heading of its own rather than the status code's."""
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or TITLES.get(code, TITLES[500]),
            message=message or EXPLANATIONS.get(code, ""),
            back=back,
            back_label=back_label or gettext("Back to the form"),
            also=also,
        ),
        code,
    )


def _came_from() -> str | None:
    """The page of this site the person came from (the form they sent), if any."""
    referrer = urlsplit(request.referrer or "")
    page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return page if referrer.netloc == request.host and safe_next(page) == page else None


def _too_large():
    """413: what a form takes, and the way back to it (nothing was read, nothing is kept)."""
    message = gettext(
        "What you sent is larger than a form takes: at most %(num)d files of at most %(mb)d MB "
        "each, and no text longer than its field allows. Please go back and attach fewer or "
        "smaller files, or shorten the text.",
        num=MAX_FILES,
        mb=policy().upload_max_bytes // (1024 * 1024),
    )
    return error_page(413, message, _came_from())


def _too_many():
    """429: how long to wait, from the limit that refused (its reset), in the reader's
    words; the way back to the form, and to an inventor's requests."""
    message = None
    with contextlib.suppress(StorageError, AttributeError):  # no figures: the general words
        reset_at = limiter.current_limit.reset_at
        message = gettext(
            "Too many attempts in a short time. You can try again %(when)s.",
            when=in_time(max(1, reset_at - int(time.time()))),
        )
    back = _came_from()
    if request.method == "POST" and back is None and request.endpoint == "requests.new":
        back = url_for("requests.new")
    also = None
    if current_user.is_authenticated and current_user.role is Role.INVENTOR:
        also = (url_for("requests.mine"), gettext("My requests"))
    return error_page(429, message, back, also=also)


def answered_elsewhere(path: str) -> bool:
    """Whether another door (the JSON API) answers the errors on ``path``: one under its
    prefix, or the prefix without its slash (``/api/v1``)."""
    return _responder(path) is not None


def _responder(path: str):
    for prefix, respond in current_app.extensions.get("tisc.error_responders", []):
        if path.startswith(prefix) or path + "/" == prefix:
            return respond
    return None


def _elsewhere(error):
    """The other door's answer for an error on one of its paths, if any."""
    respond = _responder(request.path)
    return respond(error) if respond is not None else None


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if (answered := _elsewhere(error)) is not None:
            return answered
        return error_page(STATUS_OF.get(type(error), 409), explain(error))

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        security.event("csrf_failed", reason=error.description)
        return error_page(
            400,
            gettext(
                "The form expired or was sent from elsewhere. Please reload the page and try again."
            ),
        )

    def _database_unavailable(error: Exception):
        log.error("database unavailable: %s", error)
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            db.session.rollback()
        # The page must not ask the database again: show it as to a signed-out visitor
        # (Flask-Login keeps the request's user in g._login_user).
        g._login_user = login_manager.anonymous_user()
        g.database_unavailable = True
        body, status = error_page(503)
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    for error_class in UNAVAILABLE:
        app.register_error_handler(error_class, _database_unavailable)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 429:
            security.event("rate_limited", limit=str(error.description), endpoint=request.endpoint)
        if (answered := _elsewhere(error)) is not None:
            return answered
        response = error.get_response()
        pages = {413: _too_large, 429: _too_many}
        body, _status = pages.get(error.code, lambda: error_page(error.code))()
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        return response

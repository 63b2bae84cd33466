"""Flask extensions, created unbound here and bound in :func:`tisc.create_app`."""

import logging
import time
from pathlib import Path

from flask import Response, current_app
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.errors import StorageError

from tisc.database import end_read
from tisc.domain.policy import Policy
from tisc.models import Base
from tisc.models.base import partial_indexes_on_postgresql

log = logging.getLogger(__name__)


# Objects keep their values after a commit: a page that acted (one commit) and then
# renders or redirects need not read again what it has just written.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
bootstrap = Bootstrap5()


def rate_limit_headers(response: Response) -> Response:
    """``after_request``: the ``X-RateLimit-*`` headers of the limit that counted this
    request, and ``Retry-After`` only when it refused it (429; a 503 says its own). An
    answer that states its own limit (a per-person limit's 429) keeps it."""
    counted = limiter.current_limit
    if counted is None or "X-RateLimit-Limit" in response.headers:
        return response
    try:  # the figures are read from the store again
        remaining, reset_at = counted.remaining, counted.reset_at
    except StorageError:  # failed since the check: the answer stands, without its figures
        log.warning("rate limit store unreachable: no X-RateLimit-* headers")
        return response
    response.headers["X-RateLimit-Limit"] = str(counted.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Reset"] = str(reset_at)
    if response.status_code == 429 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(max(1, reset_at - int(time.time())))
    return response


def policy() -> Policy:
    """The running application's business rules (targets, calendar, limits), built at start."""
    return current_app.extensions["tisc.policy"]


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def bind_migrations(app) -> None:
    """Flask-Migrate, bound when migrations are wanted (the CLI, tests, the benchmark).

    It loads Alembic - some 14 MB - which web workers never need. A migration generated
    from the models runs on both databases, so the models then name PostgreSQL's
    conditions of their partial indexes whatever database this application uses.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        partial_indexes_on_postgresql()
        Migrate(render_as_batch=True, compare_type=True).init_app(
            app, db, directory=str(MIGRATIONS)
        )


def end_reads(error: BaseException | None) -> None:
    """Flask teardown, run before Flask-SQLAlchemy's removes the session: a request that
    only read ends its transaction with :func:`tisc.database.end_read`."""
    if error is None and db.session.registry.has():
        end_read(db.session())

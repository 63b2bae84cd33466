"""Configuration: safe defaults, then ``instance/config.py``, then the environment.

Every setting a deployment needs has an environment variable (README,
"Configuration"); tests pass a mapping that wins over all of them.
"""

import logging
import os
import secrets
import tempfile
from pathlib import Path

from tisc.domain.calendar import KAZAKHSTAN_HOLIDAYS, KAZAKHSTAN_NOT_MOVED
from tisc.domain.catalogue import DEFAULT_TARGET_DAYS, Service
from tisc.domain.policy import MAX_FILES, REMEMBER_FOR, SESSION_IDLE

log = logging.getLogger(__name__)
MIN_SECRET_KEY = 32
FORM_TEXT_BYTES = 2 * 1024 * 1024  # a form's text fields and multipart framing, with room

DEFAULTS = {
    "SQLALCHEMY_DATABASE_URI": "sqlite:///tisc.sqlite3",  # relative to instance/
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": REMEMBER_FOR,
    "PERMANENT_SESSION_LIFETIME": SESSION_IDLE,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "BABEL_DEFAULT_LOCALE": "kk",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Almaty",
    "BOOTSTRAP_SERVE_LOCAL": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    # X-RateLimit-* are said by tisc.extensions.rate_limit_headers: Flask-Limiter's own put
    # Retry-After on every answer, a 200 or a 404 too, which retrying clients obey.
    "RATELIMIT_HEADERS_ENABLED": False,
    # A shared store (Redis) that fails or hangs must not stop sign-in, submission or the
    # API: each process then counts alone (the sign-in back-off, in the database, still
    # holds), and Flask-Limiter tries the store again after a growing pause.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_STORAGE_OPTIONS": {"wrap_exceptions": True},
    "TISC_LOGIN_LIMIT": "10 per minute;100 per hour",
    # Requests made per inventor (the pages and the API each); a form sent back for a
    # correction or with the similar-request warning makes none and spends none of it.
    "TISC_SUBMIT_LIMIT": "10 per hour",
    # Every post of the new-request form, made or not: a guard against hammering only.
    "TISC_SUBMIT_FORM_LIMIT": "60 per hour",
    # Per person, on each account endpoint that sends e-mail or checks a password.
    "TISC_ACCOUNT_LIMIT": "5 per 10 minutes;20 per day",
    "TISC_API_LIMIT": "600 per minute",  # per token (per address without one)
    "TISC_TARGET_DAYS": {service.value: days for service, days in DEFAULT_TARGET_DAYS.items()},
    "TISC_HOLIDAYS": list(KAZAKHSTAN_HOLIDAYS),
    "TISC_HOLIDAYS_NOT_MOVED": list(KAZAKHSTAN_NOT_MOVED),
    "TISC_TIMEZONE": "Asia/Almaty",
    "TISC_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "TISC_REMIND_AFTER_DAYS": 5,
    "TISC_CLOSE_AFTER_DAYS": 10,
    "TISC_REOPEN_WINDOW_DAYS": 30,
    "TISC_PAGE_SIZE": 25,
    "TISC_PASSWORD_HASH": "scrypt",
    "TISC_TILES_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TISC_TILES_ATTRIBUTION": None,  # HTML; none: OpenStreetMap's, in the page's language
    "TISC_HSTS_SECONDS": 0,  # Strict-Transport-Security's max-age; 0 sends none
    "TISC_PROXY_HOPS": 0,  # trusted reverse proxies in front; 0: none, X-Forwarded-* ignored
    "TISC_SLOW_REQUEST_MS": 1000,  # a request this long is logged (tisc.slow_requests); 0: none
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "TISC Network <no-reply@tisc.kz>",
    "TISC_MAIL_MAX_ATTEMPTS": 10,
    "TISC_MAIL_TIMEOUT": 30.0,  # seconds each exchange with the mail server may take
    "TISC_MAIL_KEEP_DAYS": 30,  # a delivered e-mail's copy (subject, texts) is emptied after this
    # A separate worker process (`tisc worker`) delivers the mail and runs the daily jobs;
    # without one, each web process delivers what a POST queued after its response.
    "TISC_WORKER": False,
    # Map building (folium) and coverage (numpy) in a child process, to keep web workers lean.
    "TISC_OFFLOAD": True,
}

_TRUE = {"1", "true", "yes", "on"}


def _from_environment(environ) -> dict:
    """The settings given by environment variables, converted to their types."""
    found: dict = {}
    if url := environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = database_url(url)
    for name in ("SECRET_KEY", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD",
                 "MAIL_DEFAULT_SENDER", "RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX",
                 "TISC_LOGIN_LIMIT", "TISC_SUBMIT_LIMIT", "TISC_SUBMIT_FORM_LIMIT",
                 "TISC_API_LIMIT", "TISC_TILES_URL",
                 "TISC_TILES_ATTRIBUTION", "TISC_BASE_URL", "TISC_DEFAULT_LOCALE",
                 "TISC_TIMEZONE", "TISC_ACCOUNT_LIMIT"):  # fmt: skip
        if value := environ.get(name):
            found[name] = value
    if "TISC_DEFAULT_LOCALE" in found:
        found["BABEL_DEFAULT_LOCALE"] = found.pop("TISC_DEFAULT_LOCALE")
    if "MAIL_PORT" in environ:
        found["MAIL_PORT"] = int(environ["MAIL_PORT"])
    for name in ("TISC_MAIL_MAX_ATTEMPTS",):
        if name in environ:
            found[name] = int(environ[name])
    if "TISC_MAIL_TIMEOUT" in environ:
        timeout = environ["TISC_MAIL_TIMEOUT"]
        found["TISC_MAIL_TIMEOUT"] = positive_seconds("TISC_MAIL_TIMEOUT", timeout)
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE", "RATELIMIT_ENABLED",
                 "TISC_WORKER", "TISC_OFFLOAD"):  # fmt: skip
        if name in environ:
            found[name] = environ[name].strip().lower() in _TRUE
    for name in ("TISC_REMIND_AFTER_DAYS", "TISC_CLOSE_AFTER_DAYS", "TISC_REOPEN_WINDOW_DAYS",
                 "TISC_MAIL_KEEP_DAYS"):  # fmt: skip
        if name in environ:
            found[name] = positive_days(name, environ[name])
    if "TISC_TARGET_DAYS" in environ:
        found["TISC_TARGET_DAYS"] = parse_target_days(environ["TISC_TARGET_DAYS"])
    for name in ("TISC_HSTS_SECONDS", "TISC_PROXY_HOPS"):
        if name in environ:
            found[name] = int(environ[name])
    if (slow := environ.get("TISC_SLOW_REQUEST_MS")) is not None:
        found["TISC_SLOW_REQUEST_MS"] = milliseconds("TISC_SLOW_REQUEST_MS", slow)
    for name in ("TISC_HOLIDAYS", "TISC_HOLIDAYS_NOT_MOVED"):
        if name in environ:
            found[name] = [d for d in environ[name].split(",") if d.strip()]
    return found


def database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever scheme the platform gives."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def positive_days(name: str, text: str) -> int:
    """A whole number of days of at least 1; ValueError naming the setting otherwise."""
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"{name}: give a whole number of days, at least 1, not {text!r}")
    return int(text)


def positive_seconds(name: str, text: str) -> float:
    """A number of seconds above 0; ValueError naming the setting otherwise."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{name}: give a number of seconds above 0, not {text!r}")
    return seconds


def milliseconds(name: str, text: str) -> float:
    """A number of milliseconds, 0 or more; ValueError naming the setting otherwise."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ValueError(f"{name}: give a number of milliseconds, 0 or more, not {text!r}")
    return value


def parse_target_days(text: str) -> dict[str, int]:
    """``"prior_art_search=10,freedom_to_operate=25"`` over the defaults.

    Raises ValueError naming the bad part, so a typo stops start-up.
    """
    days = {service.value: d for service, d in DEFAULT_TARGET_DAYS.items()}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in {s.value for s in Service} or not value.strip().isdigit():
            raise ValueError(f"TISC_TARGET_DAYS: cannot read {part!r}")
        days[name.strip()] = int(value)
    return days


def instance_secret_key(instance_path: Path) -> str:
    """The secret key kept in ``instance/secret_key``, made on first use.

    Written whole to a temporary file first, then linked into place: the link
    either creates the file, complete, or finds the one another starter linked
    first - so processes starting together agree, and nobody reads it half-written.
    """
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        pass  # another starter was first: use theirs
    finally:
        os.unlink(temporary)
    return path.read_text().strip()


LOCAL_BASE_URL = "http://127.0.0.1:5000"  # where `make run` serves


def _check_base_url(app) -> None:
    """The site's address for links in e-mails, which no request is there to tell: unset,
    the local one, said loudly - a confirmation link would lead nowhere."""
    if app.config.get("TISC_BASE_URL"):
        return
    app.config["TISC_BASE_URL"] = LOCAL_BASE_URL
    if not (app.debug or app.testing):
        log.warning(
            "TISC_BASE_URL is not set: links in e-mails lead to %s. Set it to the site's "
            "address before serving for real; see README, Configuration.",
            LOCAL_BASE_URL,
        )


def _check_secret_key(app) -> None:
    """A configured key, else the instance file's; never a short one."""
    configured = bool(app.config.get("SECRET_KEY"))
    if not configured:
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
        if not (app.debug or app.testing):
            log.warning(
                "SECRET_KEY is not set: using the key in %s/secret_key, which only this "
                "machine has. Set SECRET_KEY (the same on every server) before serving for "
                "real; see README, Configuration.",
                app.instance_path,
            )
    if len(str(app.config["SECRET_KEY"])) < MIN_SECRET_KEY:
        where = "SECRET_KEY" if configured else f"{app.instance_path}/secret_key"
        raise RuntimeError(
            f"{where} is shorter than {MIN_SECRET_KEY} characters: use a long random key, "
            'e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )


def load(app, overrides: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(_from_environment(os.environ))
    app.config.from_mapping(overrides or {})
    # A request may carry as many files of the largest size as a form takes, and its text.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        largest = MAX_FILES * int(app.config["TISC_UPLOAD_MAX_BYTES"]) + FORM_TEXT_BYTES
        app.config["MAX_CONTENT_LENGTH"] = largest
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://")):
        # A hung Redis holds a web worker this long per check, not redis-py's default 5 s.
        options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        app.config["RATELIMIT_STORAGE_OPTIONS"] = options | app.config["RATELIMIT_STORAGE_OPTIONS"]
    # The remember-me cookie signs in as surely as the session cookie: as secure as it.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    _check_secret_key(app)
    _check_base_url(app)

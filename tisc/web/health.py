"""Probes for a load balancer or orchestrator: no session, no rate limit, never cached.

``/healthz``: the process is alive (it asks nothing else). ``/readyz``: it can
serve - the database answers and its migrations are current; 503 otherwise.
"""

from flask import Blueprint, jsonify

from tisc.extensions import MIGRATIONS, limiter
from tisc.services import health

bp = Blueprint("health", __name__)
RETRY_AFTER_SECONDS = 30


def _answer(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    response.cache_control.no_store = True
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@bp.route("/healthz")
@limiter.exempt
def healthz():
    return _answer({"status": "ok"})


@bp.route("/readyz")
@limiter.exempt
def readyz():
    state = health.readiness(str(MIGRATIONS))
    body = {"database": state.database, "migrations": state.migrations}
    if state.ready:
        return _answer({"status": "ok"} | body)
    return _answer({"status": "unavailable"} | body, 503)

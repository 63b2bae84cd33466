"""E-mail: what each message says (:mod:`.compose`) and how the outbox is sent (:mod:`.delivery`).

Messages are queued in the outbox by the use cases, in their transaction
(``tisc/services/notifications.py``). A worker process (``tisc worker``,
``TISC_WORKER=true``) delivers them; without one - the single machine of
``make run`` - the web process delivers what a POST queued once its response
has gone out.
"""

import logging
from functools import partial

from flask import Flask, request

from tisc.mail.delivery import deliver

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Without a worker: after a successful POST, deliver what it queued once the
    response has gone out."""
    if app.config["TISC_WORKER"]:
        return

    @app.after_request
    def _deliver_after_response(response):
        if request.method == "POST" and response.status_code < 400:
            response.call_on_close(partial(_deliver_quietly, app))
        return response


def _deliver_quietly(app: Flask) -> None:
    with app.app_context():
        try:
            deliver()
        except Exception:  # the user's action is done; the CLI retries what is left
            log.exception("delivering the outbox after a response failed")

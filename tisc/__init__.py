"""TISC Network: the web application of Kazakhstan's Technology and Innovation Support Centres."""

import os
from pathlib import Path

from flask import Flask

from tisc import api, cli, config, database, extensions, mail, offload, slow_requests
from tisc.domain.policy import Policy
from tisc.web import register_web

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: config → extensions → pages and errors → API → mail → CLI."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    config.load(app, overrides)
    app.extensions["tisc.policy"] = Policy.from_config(app.config)

    extensions.db.init_app(app)
    with app.app_context():
        database.keep_prepared_statements(extensions.db.engine)
        slow_requests.init_app(app, extensions.db.engine)
    app.teardown_appcontext(extensions.end_reads)  # runs before the session's removal
    if os.environ.get("FLASK_RUN_FROM_CLI"):  # `flask db …`, `flask tisc setup`
        extensions.bind_migrations(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    app.after_request(extensions.rate_limit_headers)
    extensions.bootstrap.init_app(app)

    register_web(app)
    api.init_app(app)
    mail.init_app(app)
    cli.register(app)
    if app.config["TISC_OFFLOAD"]:
        # A serving process starts its map helper at its first request, so that the helper's
        # imports are done before anyone asks for a map (commands never start one).
        app.before_request(offload.start)
    return app

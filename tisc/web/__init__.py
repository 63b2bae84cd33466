"""Server-rendered pages: one blueprint per audience, thin views over the services."""

from flask import Flask

from tisc.web import (
    account,
    assets,
    auth,
    coverage,
    dashboards,
    desk,
    errors,
    events,
    exports,
    health,
    i18n,
    inputs,
    maps,
    office,
    our_centre,
    public,
    reports,
    requests,
    security,
    statistics,
    templating,
)


def register_web(app: Flask) -> None:
    i18n.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    inputs.init_app(app)

    app.register_blueprint(health.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(maps.bp)
    app.register_blueprint(assets.bp, url_prefix="/vendor")
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp, url_prefix="/account")
    app.register_blueprint(requests.bp, url_prefix="/requests")
    app.register_blueprint(desk.bp, url_prefix="/desk")
    app.register_blueprint(our_centre.bp, url_prefix="/desk")
    app.register_blueprint(office.bp, url_prefix="/office")
    app.register_blueprint(coverage.bp, url_prefix="/office/coverage")
    app.register_blueprint(dashboards.bp)
    app.register_blueprint(reports.bp, url_prefix="/office/reports")
    app.register_blueprint(events.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(statistics.bp)

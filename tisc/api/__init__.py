"""The JSON API under ``/api/v1``: a second door onto the same use cases and rules as the pages.

flask-smorest builds it: marshmallow schemas (``schemas.py``) validate what
comes in, shape what goes out and - through apispec - are the OpenAPI 3.1
document at ``/api/v1/openapi.json``; the human-readable docs at
``/api/v1/docs`` load Swagger UI from our own origin. Callers authenticate
with personal access tokens (``auth.py``); errors are problem+json
(``problems.py``).
"""

import http
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, jsonify, render_template
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from tisc.api import account, centres, figures, network, problems, requests, schemas
from tisc.api.auth import token_key
from tisc.domain.errors import DomainError
from tisc.extensions import csrf, limiter

PREFIX = "/api/v1"


class Api(SmorestApi):
    """flask-smorest's, documenting every refusal as what it is: problem+json."""

    ERROR_SCHEMA = schemas.Problem

    def _register_error_handlers(self):
        """Errors are answered by ``problems`` for API paths only (see :func:`init_app`)."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"], content_type = self.ERROR_SCHEMA, problems.MEDIA_TYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="TISC Network API",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": "Personal access tokens are made on the account page."},
        },
    )
    schemas.document_report_years(datetime.now(ZoneInfo(app.config["TISC_TIMEZONE"])).year)
    api = Api(app)
    # Before the blueprints: their schemas enter the document as they are registered.
    limits = schemas.attachment_limits(app.extensions["tisc.policy"].upload_max_bytes)
    api.ma_plugin.converter.add_attribute_function(limits)
    # One allowance per token for the whole API (shared), not one for each of its endpoints.
    limit = limiter.shared_limit(_api_limit, scope="api", key_func=token_key)
    for blueprint in (account.bp, centres.bp, requests.bp, network.bp, figures.bp):
        csrf.exempt(blueprint)  # no cookie authenticates the API: nothing to forge
        limit(blueprint)
        api.register_blueprint(blueprint)
    api.spec.options["security"] = [{"token": []}]
    app.add_url_rule(f"{PREFIX}/docs", "api_docs", _docs)
    app.add_url_rule(f"{PREFIX}/problems/<slug>", "api_problem_type", _problem_type)
    # The API's errors, its root without the slash (``/api/v1``) included: a client that
    # leaves it off gets a problem, not the pages' HTML.
    app.extensions.setdefault("tisc.error_responders", []).append((f"{PREFIX}/", _problem))
    app.register_error_handler(problems.Problem, _problem)


def _api_limit() -> str:
    """The app's ``TISC_API_LIMIT``. One function, not a lambda per app: the limiter is
    shared by every app of the process (tests make several), and it keeps one limit of a
    blueprint for equal ones, where each app's lambda added another, read from that app."""
    return current_app.config["TISC_API_LIMIT"]


def _problem(error):
    """An error on an API path, as problem+json."""
    if isinstance(error, problems.Problem):
        return problems.answer(error.slug, error.detail, error.errors, error.headers, **error.extra)
    if isinstance(error, DomainError):
        return problems.from_domain(error)
    return problems.from_http(error)


def _problem_type(slug: str):
    """What a problem ``type`` URI names, in the reader's language."""
    if slug not in problems.TYPES:
        return problems.answer("not-found")
    status, title = problems.TYPES[slug]
    return jsonify(type=problems.PREFIX + slug, title=str(title), status=status)


def _docs():
    return render_template("api/docs.html")

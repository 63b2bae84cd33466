"""The JSON API under ``/api/v1``: a second door onto the same use cases and rules as the pages.

flask-smorest builds it: marshmallow schemas (``schemas.py``) validate what
comes in, shape what goes out and - through apispec - are the OpenAPI 3.1
document at ``/api/v1/openapi.json``; the human-readable docs at
``/api/v1/docs`` load Swagger UI from our own origin. Callers authenticate
with personal access tokens (``auth.py``); errors are problem+json
(``problems.py``).
"""

from flask import Flask, render_template, request
from flask_smorest import Api as SmorestApi

from tisc.api import centres, network, problems, requests
from tisc.api.auth import token_key
from tisc.domain.errors import DomainError
from tisc.extensions import csrf, limiter

PREFIX = "/api/v1"


class Api(SmorestApi):
    def _register_error_handlers(self):
        """Errors are answered by ``problems`` for API paths only (see :func:`init_app`)."""


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
    api = Api(app)
    limit = limiter.limit(lambda: app.config["TISC_API_LIMIT"], key_func=token_key)
    for blueprint in (centres.bp, requests.bp, network.bp):
        csrf.exempt(blueprint)  # no cookie authenticates the API: nothing to forge
        limit(blueprint)
        blueprint.after_request(_no_store)
        api.register_blueprint(blueprint)
    api.spec.options["security"] = [{"token": []}]
    app.add_url_rule(f"{PREFIX}/docs", "api_docs", _docs)
    app.extensions.setdefault("tisc.error_responders", []).append((PREFIX + "/", _problem))
    app.register_error_handler(problems.Problem, _problem)


def _problem(error):
    """An error on an API path, as problem+json."""
    if isinstance(error, problems.Problem):
        return problems.answer(error.slug, error.detail, error.errors, error.headers)
    if isinstance(error, DomainError):
        return problems.from_domain(error)
    return problems.from_http(error)


def _no_store(response):
    if request.authorization:  # a token's answers are that person's
        response.headers["Cache-Control"] = "no-store"
    return response


def _docs():
    return render_template("api/docs.html")

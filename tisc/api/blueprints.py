"""The API's blueprint: flask-smorest's, with a multipart location for forms with files (a body
of another type refused), the caller identified first and the answer's language and caching
said last."""

from flask import request
from flask_babel import get_locale, gettext
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from tisc.api import schemas
from tisc.api.auth import identify
from tisc.api.problems import MEDIA_TYPE, Problem
from tisc.domain.catalogue import N_

# What a body of fields (and files) may be sent as.
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
SEND_A_FORM = N_("Send the fields as multipart/form-data or application/x-www-form-urlencoded.")
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
# What any operation may answer, whoever calls it: (status, description, headers).
ANY_OPERATION = [
    (401, "No valid token: none was sent where one is needed, or the one sent is revoked, "
     "expired or its owner's account deactivated (even where no token is needed)",
     {"WWW-Authenticate": {"description": "The scheme: Bearer", "required": True,
                           "schema": {"type": "string"}}}),
    (429, "Too many calls: the token's limit (the address's without one)", RETRY_AFTER),
]  # fmt: skip


class Parser(FlaskParser):
    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}
    DEFAULT_VALIDATION_STATUS = 400  # bad input is a 400 problem, field by field
    # The schemas decide (they refuse unknown fields), the query string included: a
    # misspelt filter is a mistake to hear about, not a filter silently dropped.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None
    }  # fmt: skip

    def load_form_and_files(self, req, schema):
        """The fields and the files of one ``multipart/form-data`` body (or a url-encoded
        one). A body of any other type is refused: read as no fields at all, a JSON body
        was answered with "required" for the very fields it held."""
        if req.mimetype not in FORM_TYPES and _has_body(req):
            raise Problem(
                "unsupported-media-type", gettext(SEND_A_FORM),
                headers={"Accept-Post": ", ".join(FORM_TYPES)}, accepted=list(FORM_TYPES),
            )  # fmt: skip
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class Blueprint(SmorestBlueprint):
    """Every API blueprint identifies its caller first; ``form_and_files`` documents one
    ``multipart/form-data`` body holding both the fields and the files."""

    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(identify)
        self.after_request(_headers)

    def route(self, rule, **options):
        """flask-smorest's, documenting what any operation may answer (``ANY_OPERATION``)."""
        register = super().route(rule, **options)

        def decorator(view):
            declared = getattr(view, "_apidoc", {}).get("response", {}).get("responses", {})
            for status, description, headers in ANY_OPERATION:
                if status not in declared:
                    view = self.refuses(status, description, headers=headers)(view)
            return register(view)

        return decorator

    def arguments(self, schema, *, location="json", **kwargs):
        """flask-smorest's, documenting the 413 and 415 that a form's body may get: larger
        than the deployment takes, or of another type."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "form_and_files":
            return parse
        too_large = self.refuses(413, "The body is larger than this deployment takes")
        refused = self.refuses(415, "Not " + " or ".join(FORM_TYPES))
        return lambda view: too_large(refused(parse(view)))

    def open_to_all(self, view):
        """Document an operation anyone may call, with or without a token."""
        return self.doc(security=[{}, {"token": []}])(view)

    def refuses(self, status: int, description: str | None = None, headers: dict | None = None):
        """Document one refusal of an operation: a problem+json with that status."""
        return self.alt_response(
            status, schema=schemas.Problem, content_type=MEDIA_TYPE, description=description,
            headers=headers,
        )  # fmt: skip


def _has_body(req) -> bool:
    """Whether the request carries a body (an empty one, sent with any type, holds nothing)."""
    return bool(req.content_length) or "chunked" in req.headers.get("Transfer-Encoding", "")


def _headers(response):
    response.headers["Content-Language"] = str(get_locale())
    response.vary.add("Accept-Language")
    if request.authorization:  # a token's answers are that person's
        response.headers["Cache-Control"] = "no-store"
    return response

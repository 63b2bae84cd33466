"""Errors of the JSON API as ``application/problem+json`` (RFC 9457).

Every refusal has a stable ``type`` (a URI under ``/api/v1/problems/``), a
``title`` and a ``detail`` in the language of ``Accept-Language`` - the same
messages the pages show - and, for bad input, the field it is about.
"""

import re

from flask import Response, json, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from tisc.domain.catalogue import N_
from tisc.domain.errors import Conflict, DomainError, Invalid, NotFound, Refused
from tisc.formatting import explain

PREFIX = "/api/v1/problems/"
MEDIA_TYPE = "application/problem+json"

# Stable problem types: slug → (HTTP status, title).
TYPES = {
    "bad-request": (400, _l("The request could not be understood")),
    "invalid": (400, _l("Some input is missing or wrong")),
    "unauthenticated": (401, _l("A valid API token is needed")),
    "forbidden": (403, _l("This token may only read")),
    "not-found": (404, _l("Not found")),
    "method-not-allowed": (405, _l("Not allowed")),
    "not-acceptable": (406, _l("Not acceptable")),
    "refused": (409, _l("That could not be done")),
    "similar-request": (409, _l("You already have a similar open request")),
    # A weak tag (W/"3", as a proxy that compresses may make it) cannot confirm a version.
    "weak-etag": (412, _l("A weak entity tag cannot be used")),
    "stale": (412, _l("The request changed since you read it")),  # after weak-etag: 412's own
    "too-large": (413, _l("The upload is too large")),
    "unsupported-media-type": (415, _l("Unsupported content type")),
    # The IETF Idempotency-Key draft's answer to a key reused for another payload.
    "idempotency-key-reused": (422, _l("This Idempotency-Key was used for another submission")),
    "precondition-required": (428, _l("Send If-Match with the version you read")),
    "too-many-requests": (429, _l("Too many requests")),
    "server-error": (500, _l("Something went wrong on our side")),
    "unavailable": (503, _l("The service is unavailable for a moment")),
}
BY_STATUS = {status: slug for slug, (status, _title) in TYPES.items()}
BY_STATUS[400] = "bad-request"
BY_STATUS[422] = "invalid"


class Problem(Exception):
    """An API refusal to answer as problem+json."""

    def __init__(self, slug: str, detail: str = "", *, errors=None, headers=None, **extra):
        super().__init__(slug)
        self.slug, self.detail = slug, detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra  # members of the problem beyond the standard ones


def answer(slug: str, detail: str = "", errors=None, headers=None, **extra) -> Response:
    status, title = TYPES[slug]
    body = {"type": PREFIX + slug, "title": str(title), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body |= extra
    body["instance"] = request.path
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def from_domain(error: DomainError) -> Response:
    if isinstance(error, Invalid):
        errors = _named(error.every)
        return answer("invalid", _detail(errors), errors)
    message = explain(error)  # the pages' wording, in the reader's language
    if isinstance(error, NotFound):
        return answer("not-found", message)
    if isinstance(error, Conflict):
        return answer("stale", message)
    if isinstance(error, Refused):
        return answer("refused", message)
    return answer("refused", message)


def invalid(problems: list[Invalid]) -> Problem:
    """Several inputs refused at once, every one named: a client corrects them in one round."""
    errors = _named(problems)
    return Problem("invalid", _detail(errors), errors=errors)


def _named(problems: list[Invalid]) -> list[dict]:
    return [{"field": problem.field, "message": explain(problem)} for problem in problems]


def _detail(errors: list[dict]) -> str:
    """One problem is the answer's detail; several are summed up."""
    if len(errors) == 1:
        return errors[0]["message"]
    return gettext("Some input is missing or wrong.")


def from_http(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs: bad input, field by field
        errors = _field_errors(data)
        return answer("invalid", _detail(errors), errors)
    slug = BY_STATUS.get(error.code or 500, "server-error")
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    if error.code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return answer(slug, headers=headers)


def _field_errors(data) -> list[dict]:
    errors = []
    for _location, fields in data["messages"].items():
        for name, messages in _flatten(fields):
            errors += [{"field": name, "message": _in_words(str(m))} for m in messages]
    return errors


# marshmallow's messages (English only), said in the reader's language.
_FIXED = {
    "Missing data for required field.": N_("This field is required."),
    "Field may not be null.": N_("This field is required."),
    "Unknown field.": N_("There is no such field."),
    "Invalid input type.": N_("Not a valid value."),
    "Special numeric values (nan or infinity) are not permitted.": N_("Not a valid value."),
    "Not a valid date.": N_("Give a date as YYYY-MM-DD."),
}
_SHAPED = [  # a pattern of marshmallow's message → ours, with the numbers it names
    (re.compile(r"Must be one of: "), N_("Choose one of the options.")),
    (re.compile(r"Not a valid "), N_("Not a valid value.")),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\."), N_("At most %(max)s characters.")),
    (re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\."),
     N_("From %(min)s to %(max)s characters.")),
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\."), N_("This field is required.")),
    (re.compile(r"Must be greater than or equal to (?P<min>[-\d.]+) and less than or equal to "
                r"(?P<max>[-\d.]+)\."), N_("Choose a number from %(min)s to %(max)s.")),
]  # fmt: skip


def _in_words(message: str) -> str:
    if message in _FIXED:
        return gettext(_FIXED[message])
    for pattern, words in _SHAPED:
        if found := pattern.match(message):
            return gettext(words, **found.groupdict())
    return message


def _flatten(fields, prefix=""):
    for name, value in fields.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from _flatten(value, key + ".")
        else:
            yield key, value if isinstance(value, list) else [value]

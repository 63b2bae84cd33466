"""Input no database column can hold, or no form parser can read, refused before any view
sees it.

PostgreSQL refuses text with NUL characters and integers beyond its column
types; SQLite lets some of them through. Both would surface as errors deep
in a use case, so a NUL in a request answers 400 with the reason (404 in the
path: no page has such an address) — except in a page's form, whose fields
reach the view with each NUL shown as U+FFFD and named for the form to refuse
on its field (see :meth:`tisc.forms.Form.validate`), what was typed kept
around it. Integer route parts
(``<int:file_id>``) stop at the database's largest id, so a larger one is
simply not found. A form body that cannot be read (not UTF-8, a multipart
body cut off or without its boundary) is a 400 saying so: Werkzeug reads it
as no fields at all, and each field sent was then said to be missing.
"""

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from tisc.domain.catalogue import N_
from tisc.domain.errors import Invalid
from tisc.domain.text import NUL, UNSTORABLE
from tisc.models.base import LARGEST_ID
from tisc.web.errors import answered_elsewhere

UNREADABLE = N_(
    "What was sent could not be read as a form: send the fields url-encoded in UTF-8, or "
    "as a complete multipart/form-data body."
)


class FormRequest(Request):
    """Flask's request, noting a body that cannot be read as the form its type says, which
    Werkzeug's parser, silent, reads as no fields."""

    form_unreadable = False
    # The names of a page form's fields that held a NUL (see refuse_unstorable_input).
    unstorable_fields: frozenset[str] = frozenset()

    def make_form_data_parser(self):
        parser = super().make_form_data_parser()
        parser.silent = False
        return parser

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except ValueError:  # a UnicodeDecodeError, or Werkzeug's "cannot parse"
            self.form_unreadable = True
            self.__dict__["form"] = self.parameter_storage_class()
            self.__dict__["files"] = self.parameter_storage_class()


class DatabaseInteger(IntegerConverter):
    """``<int:…>`` as Werkzeug has it, bounded by default to what an id column holds."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def as_id(value: str | None) -> int | None:
    """``value`` as an id, None when it is not one: not a number, or beyond any id (which
    the database would refuse rather than not find)."""
    number = whole_number(value)
    return number if number is not None and 0 < number <= LARGEST_ID else None


def whole_number(value: str | None) -> int | None:
    """``value`` as a whole number, None when it is not one (``abc``, blank, ``1.5``)."""
    try:
        return int(value) if value is not None else None
    except ValueError:  # also beyond Python's 4,300 digits
        return None


def id_arg(name: str) -> int | None:
    """The query string's ``name`` as an id (``?centre=3``): see :func:`as_id`."""
    return as_id(request.args.get(name))


def header_text(value: str | None, length: int) -> str:
    """A request header's value as it can be kept: without control characters (PostgreSQL
    refuses NUL) and at most ``length`` characters. Headers are the client's to write: the
    User-Agent, and behind proxies the forwarded address."""
    return "".join(c for c in (value or "") if c.isprintable())[:length]


def user_agent() -> str:
    """The browser's User-Agent as a session keeps it (the sessions' column holds 200)."""
    return header_text(request.user_agent.string, 200)


def _field_with_nul() -> str | None:
    for fields in (request.args, request.form):
        for name, value in fields.items(multi=True):
            name, value = name or "", value or ""  # a malformed multipart part has neither
            if NUL in name or NUL in value:
                return name.replace(NUL, "")
    for name, upload in request.files.items(multi=True):
        if NUL in (upload.filename or ""):
            return name
    return None


def _mark_nul_in_page_form() -> None:
    """A page's form, with each NUL of its fields shown as U+FFFD and those fields named
    in ``request.unstorable_fields``: its form refuses them on their fields, and shows
    what was typed again. A view that reads the form itself (the language switch, the
    office's status buttons) compares a field with its own values, which U+FFFD matches
    none of."""

    def shown(text: str) -> str:
        return text.replace(NUL, "\ufffd")

    fields = list(request.form.items(multi=True))
    unstorable = {shown(name) for name, value in fields if NUL in name or NUL in value}
    if not unstorable:
        return
    request.unstorable_fields = frozenset(unstorable)
    marked = [(shown(name), shown(value)) for name, value in fields]
    request.__dict__["form"] = ImmutableMultiDict(marked)


def refuse_unstorable_input() -> None:
    """A 404 or an :class:`Invalid` naming the field, answered like any other by the
    page's or the API's error handlers."""
    path, form = request.path, request.form  # each a proxy's lookup: read once
    if NUL in path:
        abort(404)
    if not form and request.form_unreadable:  # reading the form tells
        raise Invalid("", UNREADABLE)
    if None in form or None in request.files:  # a multipart part without a name
        raise Invalid("", N_("A part of the form you sent has no name."))
    if form and not answered_elsewhere(path):
        _mark_nul_in_page_form()
    if (name := _field_with_nul()) is not None:
        raise Invalid(name, UNSTORABLE)


def init_app(app: Flask) -> None:
    """Before the blueprints: their routes are compiled with this converter. The check
    runs before every other, Flask-WTF's CSRF check included (which fails on a part
    without a name, and finds no token in a body it cannot read)."""
    app.request_class = FormRequest
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_input)

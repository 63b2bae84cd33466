"""Input no database column can hold, refused before any view sees it.

PostgreSQL refuses text with NUL characters and integers beyond its column
types; SQLite lets some of them through. Both would surface as errors deep
in a use case, so a NUL anywhere in a request answers 400 with the reason
(404 in the path: no page has such an address), and integer route parts
(``<int:file_id>``) stop at the database's largest id, so a larger one is
simply not found.
"""

from flask import Flask, request
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from tisc.web.errors import error_page

LARGEST_ID = 2**31 - 1  # the INTEGER primary keys of both databases


class DatabaseInteger(IntegerConverter):
    """``<int:…>`` as Werkzeug has it, bounded by default to what an id column holds."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _holds_nul() -> bool:
    for fields in (request.args, request.form):
        for name, value in fields.items(multi=True):
            if "\x00" in name or "\x00" in value:
                return True
    return any("\x00" in (upload.filename or "") for _, upload in request.files.items(multi=True))


def refuse_unstorable_input():
    if "\x00" in request.path:
        return error_page(404)
    if _holds_nul():
        return error_page(
            400,
            gettext(
                "The text you sent contains a character that cannot be stored (NUL). "
                "Please remove it and try again."
            ),
        )
    return None


def init_app(app: Flask) -> None:
    """Before the blueprints: their routes are compiled with this converter."""
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request(refuse_unstorable_input)

"""Saved replies: texts a centre writes once, with placeholders filled in for each request.

A reply may say ``{name}`` (the inventor's name), ``{reference}`` (the request's
reference) and ``{due}`` (its due date); they are filled in one pass, so a value
that itself looks like a placeholder stays as it is. A word in braces that is not
one of them (``{nmae}``) is a slip the inventor would read as typed: it is refused
when the reply is saved; other text in braces is left alone.
"""

import re
from collections.abc import Mapping

PLACEHOLDERS = ("name", "reference", "due")
# A placeholder, and the full stop after it if there is one (see fill).
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}(\.?)")
_WORD_IN_BRACES = re.compile(r"\{\s*[^\W\d]\w*\s*\}")  # spaces count: "{ due }" is not filled


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value. A value that ends in a
    full stop (a Kazakh or Russian date, «28 дек. 2026 г.») at the end of a sentence takes
    the sentence's full stop, rather than making two."""
    return _PLACEHOLDER.sub(lambda match: _value(match, values), text)


def _value(match: re.Match, values: Mapping[str, str]) -> str:
    name, stop = match[1], match[2]
    if name not in values:
        return match[0]
    value = values[name]
    return value if stop and value.endswith(".") else value + stop


def unknown_placeholders(text: str) -> list[str]:
    """The words in braces in ``text`` that are not placeholders, as written."""
    return [
        match[0] for match in _WORD_IN_BRACES.finditer(text) if match[0][1:-1] not in PLACEHOLDERS
    ]

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
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_WORD_IN_BRACES = re.compile(r"\{\s*[^\W\d]\w*\s*\}")  # spaces count: "{ due }" is not filled


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value."""
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def unknown_placeholders(text: str) -> list[str]:
    """The words in braces in ``text`` that are not placeholders, as written."""
    return [
        match[0] for match in _WORD_IN_BRACES.finditer(text) if match[0][1:-1] not in PLACEHOLDERS
    ]

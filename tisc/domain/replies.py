"""Saved replies: texts a centre writes once, with placeholders filled in for each request.

A reply may say ``{name}`` (the inventor's name), ``{reference}`` (the request's
reference) and ``{due}`` (its due date); they are filled in one pass, so a value
that itself looks like a placeholder stays as it is. Anything else in braces is
left alone.
"""

import re
from collections.abc import Mapping

PLACEHOLDERS = ("name", "reference", "due")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value."""
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)

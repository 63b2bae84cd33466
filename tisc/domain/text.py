"""What a single-line text may hold, for the pages' forms and the API alike."""

import re

from tisc.domain.catalogue import N_

ONE_LINE = N_("Keep this to one line: line breaks and other control characters cannot be used.")
# PostgreSQL refuses a NUL in any text; SQLite would keep it.
NUL = "\x00"
UNSTORABLE = N_(
    "The text you sent contains a character that cannot be stored (NUL). "
    "Please remove it and try again."
)

# Tabs, line breaks and Unicode's line and paragraph separators: a pasted text's spacing.
_SPACING = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")
# Every C0 and C1 control, those above included. A browser's one-line field sends no line
# break (it keeps a pasted tab); a crafted post or an API client may send anything.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def as_one_line(text: str) -> str:
    """``text`` with each run of tabs and line breaks as a space: a pasted name keeps its
    words, on one line."""
    return _SPACING.sub(" ", text)


def is_one_line(text: str) -> bool:
    """Whether ``text`` fits a one-line field: no control character. A line break in a
    name or a title would end an e-mail's subject line that names it."""
    return not _CONTROL.search(text)

"""What a text may hold (one line; something to see), for the pages' forms and the API alike."""

import re
import unicodedata

from tisc.domain.catalogue import N_

ONE_LINE = N_("Keep this to one line: line breaks and other control characters cannot be used.")
# PostgreSQL refuses a NUL in any text; SQLite would keep it.
NUL = "\x00"
UNSTORABLE = N_(
    "The text you sent contains a character that cannot be stored (NUL). "
    "Please remove it and try again."
)

NOT_A_WEB_PAGE = N_("Give the address of a web page, starting with https://.")
# A scheme browsers open and a host with a dot between names, with nothing blank in it:
# "https://", "https://a b", "https://." or "https://a." would be a link to nowhere.
_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\.[^\s/?#.]+(?:[/?#]\S*)?", re.IGNORECASE)

# Tabs, line breaks and Unicode's line and paragraph separators: a pasted text's spacing.
_SPACING = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")
# The bidirectional controls that open an embedding, an override or an isolate (U+202A-
# U+202E, U+2066-U+2069): a name holding U+202E (right-to-left override) reverses the words
# shown after it on the same line, so that a timeline's "(inventor) · Submitted 7 Dec"
# reads backwards. Invisible, and pasted along with names from some messengers (U+2068,
# U+2069), they are taken out of a one-line field rather than refused. The marks (U+200E,
# U+200F) open nothing and stay.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_BIDI_CONTROLS = re.compile(f"[{_BIDI}]")
# Every C0 and C1 control, those above included, and the bidirectional ones. A browser's
# one-line field sends no line break (it keeps a pasted tab); a crafted post or an API
# client may send anything.
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_BIDI}]")


def as_one_line(text: str) -> str:
    """``text`` with each run of tabs and line breaks as a space and without bidirectional
    controls: a pasted name keeps its words, on one line, in their order."""
    return _BIDI_CONTROLS.sub("", _SPACING.sub(" ", text))


def is_one_line(text: str) -> bool:
    """Whether ``text`` fits a one-line field: no control character. A line break in a
    name or a title would end an e-mail's subject line that names it; a bidirectional
    control would turn the text around it on the line that shows it."""
    return not _CONTROL.search(text)


# Letters and symbols that show nothing: the Hangul fillers (U+3164 is the well-known
# "blank" name), the combining grapheme joiner and the Braille pattern without dots.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u2800")


def _unseen(character: str) -> bool:
    # Spaces, fillers, and format characters (Unicode's Cf: zero-width space U+200B, word
    # joiner U+2060, the byte order mark U+FEFF, the direction marks U+200E and U+200F…)
    # but the tags that end an emoji flag's sequence (U+E0020-U+E007F).
    if character.isspace() or character in _FILLERS:
        return True
    return unicodedata.category(character) == "Cf" and not "\U000e0020" <= character <= "\U000e007f"


def trimmed(text: str) -> str:
    """``text`` without the spaces and invisible format characters at its ends: what
    ``str.strip`` leaves of a title pasted with a zero-width space around it."""
    start, end = 0, len(text)
    while start < end and _unseen(text[start]):
        start += 1
    while end > start and _unseen(text[end - 1]):
        end -= 1
    return text[start:end]


def is_blank(text: str | None) -> bool:
    """Whether ``text`` shows nothing: empty, or only spaces and invisible format
    characters. A required field holding only a zero-width space is not filled in."""
    return not trimmed(text or "")


def is_web_address(text: str) -> bool:
    """Whether ``text`` (trimmed) is the address of a web page, to be shown as a link."""
    return _WEB_ADDRESS.fullmatch(text) is not None

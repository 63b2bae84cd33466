"""Sorting names as readers of each language expect.

Python compares code points: Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) come after Я and
Ё before А. Readers of Kazakh expect the Kazakh alphabet (Қ right after К), readers
of Russian the Russian one, which is the same order without the Kazakh letters.
An explicit alphabet keeps this dependency-free and the same on every machine
(PyICU would need a compiler and ICU's headers at install time).
"""

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# The Kazakh Cyrillic alphabet (42 letters); Russian's 33 letters keep their order in it.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
LATIN_ALPHABET = "abcdefghijklmnopqrstuvwxyz"

_CYRILLIC = {letter: index for index, letter in enumerate(KAZAKH_ALPHABET)}
_LATIN = {letter: index for index, letter in enumerate(LATIN_ALPHABET)}
# Which script comes first: Cyrillic for readers of Kazakh and Russian, Latin for English.
_SCRIPT_ORDER = {"kk": (1, 2), "ru": (1, 2), "en": (2, 1)}


def sort_key(text: str, locale: str) -> tuple:
    """A key ordering ``text`` by the alphabet of ``locale``, ignoring case.

    Digits come first, then the reader's own script, then the other one; anything
    else (punctuation, other scripts) keeps its code point order after them.
    Ties (case) are broken by the text itself, so the order is total.
    """
    cyrillic, latin = _SCRIPT_ORDER.get(locale, _SCRIPT_ORDER["en"])
    weights = []
    for char in text.casefold():
        if char.isspace():
            weights.append((0, 0))
        elif char.isdigit():
            weights.append((0, 1 + ord(char)))
        elif char in _CYRILLIC:
            weights.append((cyrillic, _CYRILLIC[char]))
        elif char in _LATIN:
            weights.append((latin, _LATIN[char]))
        else:
            weights.append((3, ord(char)))
    return (tuple(weights), text)


def sorted_by_name(items: Iterable[T], name: Callable[[T], str], locale: str) -> list[T]:
    """``items`` ordered by ``name(item)`` in ``locale``'s alphabet."""
    return sorted(items, key=lambda item: sort_key(name(item), locale))


# Russian names the regions made in 2022 with the word "region" first («область Абай», not
# «Абайская область»): readers look for them under their own name, Абай under А.
_KIND_FIRST = re.compile(r"^область\s+", re.IGNORECASE)


def region_sort_name(name: str) -> str:
    """The part of a region's name it is looked for by."""
    return _KIND_FIRST.sub("", name)

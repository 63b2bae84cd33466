"""What a search box's text asks for: a reference, or words.

A reference is found exactly, with or without its ``TISC-`` prefix and its
leading zeros (``TISC-2026-00042``, ``2026-42``); a bare number names that
request in each recent year. Anything else is words, each matched as the start
of a word (``жылу`` finds ``жылулық``), all of them required, in any script.

Words are folded before they are compared: ё as е, and each Kazakh letter as the Russian
one people type for it on a Russian keyboard, so ``Караганды`` finds ``Қарағанды`` and
``елка`` finds ``ёлка`` (and the other way round).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from tisc.domain.references import format_reference
from tisc.domain.text import trimmed

T = TypeVar("T")
MAX_WORDS = 8  # more words than this narrow nothing down
MAX_LENGTH = 200
YEARS_FOR_A_NUMBER = 10  # a bare number: that request in each of the last ten years

_REFERENCE = re.compile(r"^(?:TISC[-\s]*)?(\d{4})[-/\s]+(\d{1,5})$", re.IGNORECASE | re.ASCII)
_NUMBER = re.compile(r"^\d{1,5}$", re.ASCII)
_WORD = re.compile(r"[^\W_]+")

# The letters search folds, and what into. The migration 4c8e1f7a2b95 folds the databases'
# search documents with the same table (migrations keep their own copy).
FOLDED_LETTERS = "ёәғқңөұүһіЁӘҒҚҢӨҰҮҺІ"
FOLDED_INTO = "еагкноуухиЕАГКНОУУХИ"
_FOLDING = str.maketrans(FOLDED_LETTERS, FOLDED_INTO)


def fold(text: str) -> str:
    """``text`` with ё as е and Kazakh letters as Russian ones (case kept)."""
    return text.translate(_FOLDING)


def words_of(text: str) -> list[str]:
    """The words of ``text`` as search compares them: casefolded and folded."""
    return _WORD.findall(fold(text.casefold()))


def names_it(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` names the thing called ``names`` (in any language): each of its
    words begins a word of one of the names, folded (``Кызылорда`` names ``Қызылорда
    облысы``). Text without words names nothing."""
    words = words_of(text)
    return bool(words) and any(
        all(any(part.startswith(word) for part in words_of(name)) for word in words)
        for name in names
    )


def pieces_of(text: str) -> tuple[str, ...]:
    """What a box that finds part of a name or an address compares (the audit trail's
    "Who" and "On what"): ``text`` split at spaces, each piece casefolded and folded as
    words are. Punctuation stays: ``@kbtu.kz`` is part of an address, and ``%`` or ``_``
    are those characters, not a pattern."""
    return tuple(_folded(text).split())


def holds_each(pieces: tuple[str, ...], names: Iterable[str | None]) -> bool:
    """Whether each of ``pieces`` (:func:`pieces_of`) is part of one of ``names``, compared
    alike: ``bekova`` of "Aigerim Bekova", ``@kbtu.kz`` of her address, ``Караганды`` of
    "Қарағанды". No pieces hold for nothing."""
    # One text of them all: a piece holds no space, so none spans two names.
    folded = _folded("\n".join(name for name in names if name))
    return bool(pieces) and all(piece in folded for piece in pieces)


def _folded(text: str) -> str:
    # NFKC first: a letter typed as two code points (и and a combining breve) is one, й.
    return fold(unicodedata.normalize("NFKC", text).casefold())


def the_one_named(text: str, things: Iterable[tuple[T, Iterable[str]]]) -> T | None:
    """Of ``things`` (each with its names), the one ``text`` names; None when it names
    none, or several (``область`` names every region: no place in particular)."""
    named = [thing for thing, names in things if names_it(text, names)]
    return named[0] if len(named) == 1 else None


@dataclass(frozen=True)
class SearchText:
    text: str
    references: tuple[str, ...] = ()  # the references it may name; empty: it is words
    words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.references or self.words)


def parse(text: str | None, this_year: int) -> SearchText:
    text = trimmed(text or "")[:MAX_LENGTH]  # a reference pasted with a mark around it
    if match := _REFERENCE.match(text):
        year, number = int(match[1]), int(match[2])
        return SearchText(text, (format_reference(year, number),) if number else ())
    if _NUMBER.match(text) and int(text):
        # The next year too: ``this_year`` is UTC's, and the network's year begins earlier
        # (a reference carries the year of the network's time zone).
        years = range(this_year + 1, this_year - YEARS_FOR_A_NUMBER, -1)
        return SearchText(text, tuple(format_reference(year, int(text)) for year in years))
    # One letter narrows nothing (and no index keeps one-letter prefixes).
    words = [word for word in _WORD.findall(fold(text.casefold())) if len(word) > 1]
    return SearchText(text, words=tuple(dict.fromkeys(words))[:MAX_WORDS])


PREFIX_INDEX = 6  # the longest prefix SQLite's index keeps (migration b7d2c4e91a0f)


def fts5_query(words: tuple[str, ...], columns: tuple[str, ...], scope: str) -> str:
    """An SQLite FTS5 query: within ``scope`` (a token of the scope column), every word as
    a prefix of at most :data:`PREFIX_INDEX` letters (read from the index's prefixes,
    never by merging every word it starts), within ``columns``. Words are quoted, so
    nothing typed is read as FTS5 syntax."""
    terms = " AND ".join(f'"{word[:PREFIX_INDEX]}"*' for word in words)
    return f'scope : "{scope}" AND {{{" ".join(columns)}}} : ({terms})'


COMMON = 0.01  # a word in at least this share of the requests is common
COMPLETIONS = 3  # the common words a prefix stands for, named to PostgreSQL's planner


@dataclass(frozen=True)
class Lexeme:
    """A word of the query as PostgreSQL's parser cut it, with the share of requests its
    prefix matches (from the planner's own statistics) and its commonest completions."""

    text: str
    share: float = 0.0
    completions: tuple[str, ...] = ()

    @property
    def common(self) -> bool:
        return self.share >= COMMON


def weigh(lexemes: list[str], elements: dict[str, float]) -> list[Lexeme]:
    """Each lexeme with what PostgreSQL's statistics (its most common elements and their
    frequencies) say of its prefix. A prefix not among them is rare."""
    weighed = []
    for lexeme in lexemes:
        matching = sorted(
            ((share, element) for element, share in elements.items() if element.startswith(lexeme)),
            reverse=True,
        )
        weighed.append(Lexeme(
            lexeme, sum(share for share, _ in matching),
            tuple(element for _, element in matching[:COMPLETIONS] if element != lexeme),
        ))  # fmt: skip
    return weighed


def tsquery(lexemes: list[Lexeme], weights: str) -> str:
    """A PostgreSQL tsquery: every lexeme as a prefix, within the given weights (B: the
    request's words, C: its inventor). A common lexeme also names itself and its commonest
    completions exactly: the same matches, but PostgreSQL's planner then knows how many
    (it guesses 2% for any prefix) and walks the list's own order instead of reading
    every match from the index."""
    terms = []
    for lexeme in lexemes:
        alternatives = [f"{_quoted(lexeme.text)}:*{weights}"]
        if lexeme.common:
            alternatives += [f"{_quoted(word)}:{weights}"
                             for word in (lexeme.text, *lexeme.completions)]  # fmt: skip
        terms.append(f"({' | '.join(alternatives)})" if len(alternatives) > 1 else alternatives[0])
    return " & ".join(terms)


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"

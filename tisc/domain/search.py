"""What a search box's text asks for: a reference, or words.

A reference is found exactly, with or without its ``TISC-`` prefix and its
leading zeros (``TISC-2026-00042``, ``2026-42``); a bare number names that
request in each recent year. Anything else is words, each matched as the start
of a word (``жылу`` finds ``жылулық``), all of them required, in any script.
"""

import re
from dataclasses import dataclass

from tisc.domain.references import format_reference

MAX_WORDS = 8  # more words than this narrow nothing down
MAX_LENGTH = 200
YEARS_FOR_A_NUMBER = 10  # a bare number: that request in each of the last ten years

_REFERENCE = re.compile(r"^(?:TISC[-\s]*)?(\d{4})[-/\s]+(\d{1,5})$", re.IGNORECASE | re.ASCII)
_NUMBER = re.compile(r"^\d{1,5}$", re.ASCII)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchText:
    text: str
    references: tuple[str, ...] = ()  # the references it may name; empty: it is words
    words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.references or self.words)


def parse(text: str | None, this_year: int) -> SearchText:
    text = (text or "").strip()[:MAX_LENGTH]
    if match := _REFERENCE.match(text):
        year, number = int(match[1]), int(match[2])
        return SearchText(text, (format_reference(year, number),) if number else ())
    if _NUMBER.match(text) and int(text):
        years = range(this_year, this_year - YEARS_FOR_A_NUMBER, -1)
        return SearchText(text, tuple(format_reference(year, int(text)) for year in years))
    # One letter narrows nothing (and no index keeps one-letter prefixes).
    words = [word for word in _WORD.findall(text.casefold()) if len(word) > 1]
    return SearchText(text, words=tuple(dict.fromkeys(words))[:MAX_WORDS])


PREFIX_INDEX = 6  # the longest prefix SQLite's index keeps (migration b7d2c4e91a0f)


def fts5_query(words: tuple[str, ...], columns: tuple[str, ...], scope: str) -> str:
    """An SQLite FTS5 query: within ``scope`` (a token of the scope column), every word as
    a prefix of at most :data:`PREFIX_INDEX` letters (read from the index's prefixes,
    never by merging every word it starts), within ``columns``. Words are quoted, so
    nothing typed is read as FTS5 syntax."""
    terms = " AND ".join(f'"{word[:PREFIX_INDEX]}"*' for word in words)
    return f'scope : "{scope}" AND {{{" ".join(columns)}}} : ({terms})'


def tsquery(lexemes: list[str], weights: str) -> str:
    """A PostgreSQL tsquery: every lexeme (as PostgreSQL's parser cut the text) as a
    prefix, within the given weights (B: the request's words, C: its inventor)."""
    quoted = ("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)
    return " & ".join(f"{lexeme}:*{weights}" for lexeme in quoted)

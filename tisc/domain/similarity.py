"""Whether a new request is probably the same invention as an open one of the same inventor.

Simple enough to explain to the staff who see the flag, and to the inventor
who is warned: the requests are compared only when they come from the same
inventor, ask for the same service and were sent within
:data:`WINDOW_DAYS` of each other; then by the words of their titles and
keywords and by their IPC classes. No stemmer, no dictionary, no outside
service:

- words are compared casefolded, in any script, ignoring short words and
  the commonest words of patent titles ("method", "способ", "әдісі" …);
- two words count as the same when one begins with the other, or when they
  share a beginning of at least four letters that leaves at most two letters
  of the shorter one - so endings do not hide a match (кирпич/кирпича,
  кірпіш/кірпіштің, brick/bricks);
- IPC classes are compared whole (``A61K 31/075``) and by main group
  (``A61K 31``).

Two requests are similar when they share at least two words making up at
least half of the shorter text's words, or a main group and a word, or a
whole IPC symbol.
"""

import re
import unicodedata
from dataclasses import dataclass

WINDOW_DAYS = 30
MIN_WORD = 3
MIN_STEM = 4
MAX_ENDING = 2

# Words too common in patent titles and keywords to say anything (kk, ru, en).
COMMON_WORDS = frozenset(
    [
        "және",
        "мен",
        "бен",
        "пен",
        "немесе",
        "үшін",
        "арналған",
        "негізінде",
        "оның",
        "бойынша",
        "әдіс",
        "әдісі",
        "тәсіл",
        "тәсілі",
        "құрылғы",
        "құрылғысы",
        "жүйе",
        "жүйесі",
        "қолдану",
        "для",
        "при",
        "или",
        "как",
        "его",
        "что",
        "это",
        "способ",
        "способа",
        "способы",
        "устройство",
        "устройства",
        "система",
        "системы",
        "систем",
        "основе",
        "применение",
        "использование",
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "its",
        "this",
        "that",
        "method",
        "methods",
        "device",
        "devices",
        "system",
        "systems",
        "apparatus",
        "use",
        "using",
        "based",
        "process",
    ]
)

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Resemblance:
    shared_words: tuple[str, ...]  # as written in the first request, casefolded
    shared_ipc: tuple[str, ...]  # whole symbols shared, then other main groups shared
    word_share: float  # shared words over the words of the shorter text
    same_symbol: bool  # a whole IPC symbol is shared

    @property
    def similar(self) -> bool:
        if self.same_symbol:
            return True
        if self.shared_ipc and self.shared_words:
            return True
        return len(self.shared_words) >= 2 and self.word_share >= 0.5


def words(*texts: str) -> list[str]:
    """The telling words of ``texts``, casefolded, each once, in order."""
    found: list[str] = []
    for text in texts:
        normal = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
        for word in _WORD.findall(normal):
            word = word.strip("_")
            if len(word) < MIN_WORD or word.isdigit() or word in COMMON_WORDS:
                continue
            if word not in found:
                found.append(word)
    return found


def same_word(one: str, other: str) -> bool:
    """Equal, one the beginning of the other, or differing only in a short ending."""
    if one[:MIN_STEM] != other[:MIN_STEM]:  # every match shares its first letters: most words
        return False  # differ there, and are told apart without the work below
    shorter, longer = sorted((one, other), key=len)
    if longer.startswith(shorter):
        return len(shorter) >= MIN_STEM or shorter == longer
    common = 0
    for a, b in zip(shorter, longer, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(MIN_STEM, len(shorter) - MAX_ENDING)


def main_group(symbol: str) -> str:
    """``A61K 31/075`` → ``A61K 31``."""
    return symbol.split("/", 1)[0].strip()


def resemblance(
    first_words: list[str], first_ipc: list[str], second_words: list[str], second_ipc: list[str]
) -> Resemblance:
    shorter, longer = sorted((first_words, second_words), key=len)
    matched = [w for w in shorter if any(same_word(w, other) for other in longer)]
    shared = tuple(w for w in first_words if any(same_word(w, m) for m in matched))
    symbols = [s for s in first_ipc if s in set(second_ipc)]
    # A main group is named only where no whole symbol of it is: "A61K 31/00" says "A61K 31".
    groups = {main_group(s) for s in second_ipc} - {main_group(s) for s in symbols}
    shared_groups = [g for g in dict.fromkeys(main_group(s) for s in first_ipc) if g in groups]
    return Resemblance(
        shared_words=shared,
        shared_ipc=tuple(dict.fromkeys(symbols + shared_groups)),
        word_share=len(matched) / len(shorter) if shorter else 0.0,
        same_symbol=bool(symbols),
    )

"""Choosing the text of a trilingual value for the reader's language."""

from collections.abc import Mapping

# When a value is missing in the reader's language, the next one they most
# likely read: Kazakhstan's readers of Kazakh all read Russian, and so on.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "kk": ("kk", "ru", "en"),
    "ru": ("ru", "kk", "en"),
    "en": ("en", "ru", "kk"),
}


def pick(values: Mapping[str, str | None], locale: str) -> str:
    """The first non-empty value in ``locale``'s fallback order, else ``""``."""
    return pick_with_language(values, locale)[0]


def pick_with_language(values: Mapping[str, str | None], locale: str) -> tuple[str, str]:
    """What :func:`pick` picks, and the language it is in (``""`` when nothing is)."""
    for language in FALLBACKS.get(locale, FALLBACKS["en"]):
        if text := values.get(language):
            return text, language
    return "", ""

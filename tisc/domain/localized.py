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
    for language in FALLBACKS.get(locale, FALLBACKS["en"]):
        if values.get(language):
            return values[language]  # type: ignore[return-value]
    return ""

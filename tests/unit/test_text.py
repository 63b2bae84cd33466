"""A one-line field's rule, and what counts as blank, alone."""

import pytest

from tisc.domain.text import as_one_line, is_blank, is_one_line, is_web_address, trimmed


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


INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"  # zero-width, marks, BOM, soft hyphen
)


@pytest.mark.parametrize(
    "text", ["", "   ", "\u200b", INVISIBLE, f" \t{INVISIBLE}\n\u3000", "\u3164", "\u2800 \u115f"]
)
def test_spaces_and_invisible_format_characters_are_blank(text):
    assert is_blank(text)
    assert trimmed(text) == ""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("\u200b Күн панелі\u2060 ", "Күн панелі"),
        ("joi\u200dned", "joi\u200dned"),  # inside a word it joins: kept
        ("\ufeffTitle", "Title"),
        ("x", "x"),
        ("🔬", "🔬"),
        (
            "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # its tags: a flag
            "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        ),
        ("\u202eabc \u202eабв", "abc \u202eабв"),  # inside: for is_one_line to refuse
    ],
)
def test_a_text_keeps_what_is_between_its_first_and_last_visible_character(text, kept):
    assert trimmed(text) == kept
    assert not is_blank(text)


@pytest.mark.parametrize(
    ("text", "is_one"),
    [("https://kbtu.edu.kz", True), ("http://www.atyrau.edu.kz/tisc?lang=ru#top", True),
     ("HTTPS://Example.KZ/Регистрация", True), ("https://", False), ("http://", False),
     ("https://a b", False), ("https://.", False), ("https://localhost", False),
     ("javascript:alert(1)", False), ("ftp://files.example.kz", False), ("kbtu.edu.kz", False),
     ("//kbtu.edu.kz", False), ("https://a.", False), ("https://kbtu.edu.kz\n", False),
     ("https://kbtu.edu.kz:8443/tisc", True)],
)  # fmt: skip
def test_a_web_address_names_a_scheme_browsers_open_and_a_host(text, is_one):
    """A centre's website and an event's link are shown as links: none may lead nowhere."""
    assert is_web_address(text) is is_one

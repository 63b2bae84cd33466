"""Text as pages show it: one full stop where a date's abbreviation ends a sentence, and
an e-mail address that breaks after its @."""

import pytest

from tisc.formatting import address_breaks, one_full_stop


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Центр выполнил запрос 2 дек. 2026 г..", "Центр выполнил запрос 2 дек. 2026 г."),
        ("Орталық 2026 ж. 2 жел.. Рақмет.", "Орталық 2026 ж. 2 жел. Рақмет."),
        ("Done on 2 Dec 2026.", "Done on 2 Dec 2026."),
        ("Wait...", "Wait..."),
        ("Version 1..2 stays", "Version 1..2 stays"),
    ],
)
def test_one_full_stop_after_a_date_at_the_end_of_a_sentence(text, expected):
    assert one_full_stop(text) == expected


def test_a_translated_sentence_stays_markup_so_its_escaped_names_are_not_escaped_again():
    from jinja2 import Environment
    from markupsafe import Markup

    sentence = Markup("Назначен: %(name)s, срок — 2 дек. 2026 г..") % {"name": "O'Brien & Co"}
    mended = one_full_stop(sentence)
    assert isinstance(mended, Markup) and mended.endswith("г.") and not mended.endswith("..")
    page = Environment(autoescape=True).from_string("{{ s }}").render(s=mended)
    assert page == "Назначен: O&#39;Brien &amp; Co, срок — 2 дек. 2026 г."


@pytest.mark.parametrize(
    ("address", "html"),
    [
        # After the @, not at the domain's hyphen.
        (
            "staff.karaganda@tisc-demo.kz",
            'staff.karaganda@<wbr><span class="nowrap">tisc-demo.kz</span>',
        ),
        (  # escaped, both sides
            '"<b>x"@<i>.kz',
            '&#34;&lt;b&gt;x&#34;@<wbr><span class="nowrap">&lt;i&gt;.kz</span>',
        ),
        # A domain too long for its column may still break, rather than widen the table.
        ("a@" + "long-" * 6 + "x.kz", "a@<wbr>" + "long-" * 6 + "x.kz"),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_an_address_may_break_after_its_at_sign_only(address, html):
    assert str(address_breaks(address)) == html

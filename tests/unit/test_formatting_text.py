"""Sentences with dates in them: one full stop where the date's abbreviation ends one."""

import pytest

from tisc.formatting import one_full_stop


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

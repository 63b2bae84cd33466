"""Sentences that read naturally in each language (review 10, finding 15): a zero count, the
closing date where the due date was, the confirmation button."""

import re

import pytest

from tests.factories import login


def language(code: str) -> dict:
    return {"Accept-Language": code}


NO_CENTRE = {"en": "No centre found", "kk": "Орталық табылмады", "ru": "Центры не найдены"}


@pytest.mark.parametrize("locale", sorted(NO_CENTRE))
def test_no_centre_found_is_said_as_such(client, locale):
    page = client.get("/centres?q=nothing-like-this", headers=language(locale)).get_data(True)
    assert NO_CENTRE[locale] in page
    assert not re.search(r"\b0 (centres|орталық|центров)", page)


def test_kazakh_due_dates_need_no_case_ending(make, client):
    """ "2026 ж. 28 жел. дейін": an abbreviated date cannot take the dative дейін wants."""
    inventor = make.user(locale="kk")
    reference = make.request(inventor, title="Мерзімі бар сұрау")
    login(client, inventor)
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    headline = re.search(r'id="next-step-heading">([^<]*)<', page)[1]
    assert "Орталықтың жауап беру мерзімі:" in headline
    assert "дейін" not in headline


DATE_PLACEHOLDER = re.compile(
    r"%\((date|due|today|reply_by|since|start|end|until)\)s (дейін|бастап)"
)


def test_no_kazakh_sentence_puts_a_case_ending_s_postposition_after_a_date():
    """The same rule, in every Kazakh sentence that holds a date: "%(date)s дейін" reads
    "2026 ж. 28 жел. дейін" once the date is filled in."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "tisc/translations/kk/LC_MESSAGES/messages.po"
    with po.open("rb") as catalogue:
        texts = [m.string for m in read_po(catalogue) if m.id and isinstance(m.string, str)]
    assert texts and [text for text in texts if DATE_PLACEHOLDER.search(text)] == []


def test_a_closed_request_shows_its_closing_date_not_a_due_date(world, as_, make):
    reference = make.request(world.people["inventor"], title="Жабылатын сұрау")
    client = as_("inventor")
    assert "<dt>Due</dt>" in client.get(f"/requests/{reference}").get_data(as_text=True)
    make.act(world.people["inventor"], reference, "withdraw")
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    assert "<dt>Closed on</dt>" in page
    assert "<dt>Due</dt>" not in page


CONFIRM_BUTTON = {
    "en": "Yes, withdraw request</button>",
    "kk": "Иә, сұрауды кері қайтарып алу</button>",
    "ru": "Да, отозвать запрос</button>",
}


@pytest.mark.parametrize("locale", sorted(CONFIRM_BUTTON))
def test_the_confirmation_button_reads_as_a_sentence(make, client, locale):
    inventor = make.user(locale=locale)
    reference = make.request(inventor, title="Қайтарылатын сұрау")
    login(client, inventor)
    page = client.post(
        f"/requests/{reference}/withdraw",
        data={"withdraw-version": make.row(reference)["version"], "withdraw-text": "Қажет емес"},
    ).get_data(as_text=True)
    assert CONFIRM_BUTTON[locale] in page

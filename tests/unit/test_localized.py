import pytest

from tisc.domain.localized import pick, pick_with_language

NAMES = {"kk": "Ұлттық зияткерлік меншік институты", "ru": "Национальный институт", "en": "NIIP"}


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_each_language_gets_its_own_text(locale):
    assert pick(NAMES, locale) == NAMES[locale]


@pytest.mark.parametrize(
    ("values", "locale", "expected"),
    [({"ru": "Институт", "en": "Institute"}, "kk", "Институт"),
     ({"kk": "Институты", "en": "Institute"}, "ru", "Институты"),
     ({"kk": "Институты", "ru": ""}, "en", "Институты"),
     ({}, "kk", ""),
     ({"en": "Institute"}, "de", "Institute")],
)  # fmt: skip
def test_missing_text_falls_back_sensibly(values, locale, expected):
    assert pick(values, locale) == expected


@pytest.mark.parametrize(
    ("values", "locale", "expected"),
    [(NAMES, "kk", (NAMES["kk"], "kk")),
     ({"ru": "Институт", "en": "Institute"}, "kk", ("Институт", "ru")),
     ({"kk": "", "en": "Institute"}, "ru", ("Institute", "en")),
     ({}, "en", ("", ""))],
)  # fmt: skip
def test_a_picked_text_says_which_language_it_is_in(values, locale, expected):
    assert pick_with_language(values, locale) == expected

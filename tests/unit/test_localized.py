import pytest

from tisc.domain.localized import pick

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

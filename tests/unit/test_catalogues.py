"""The translation catalogues are complete, exact and compiled.

Fails when a string marked in the code or templates is missing from a
catalogue, when an entry is untranslated or fuzzy, when placeholders differ
from the English, or when a compiled ``.mo`` file is older than its ``.po``.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "tisc" / "translations"
LOCALES = ["kk", "ru", "en"]
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None, "NP_": (1, 2),
    "lazy_gettext": None, "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2),
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def marked_strings() -> set:
    """Every (context, msgid) marked in the code and templates, extracted the way
    `make extract` does: a column's "Completed" (``pgettext``) is not the status's."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_marked_string_is_in_the_catalogue(locale, marked_strings):
    ids = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue(locale) if m.id
    }
    missing = sorted(marked_strings - ids, key=str)
    assert not missing, f"run `make update` and translate: {missing[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_entry_is_untranslated_or_fuzzy(locale):
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"{locale}: {problems[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_catalogue_keeps_entries_the_code_no_longer_has(locale):
    """`make update` drops them (nothing reuses them: it matches no fuzzy entries). Kept,
    two of them defined a message twice, which GNU msgfmt refuses."""
    assert not list(catalogue(locale).obsolete)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_english(locale):
    wrong = []
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(set(PLACEHOLDER.findall(" ".join(ids))))
        wrong += [(ids[0], s) for s in strings if sorted(set(PLACEHOLDER.findall(s))) != expected]
    assert not wrong, wrong[:5]


def test_russian_has_three_plural_forms_and_kazakh_two():
    assert catalogue("ru").num_plurals == 3
    assert catalogue("kk").num_plurals == 2


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogues_are_up_to_date(locale):
    po_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `make compile`"

    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    with mo_path.open("rb") as handle:
        compiled = {(m.context, key(m.id)): key(m.string) for m in read_mo(handle) if m.id}
    source = {(m.context, key(m.id)): key(m.string) for m in catalogue(locale) if m.id}
    assert compiled == source, "the .mo differs from the .po: run `make compile`"


def test_russian_spells_uchyotnaya_zapis_with_yo_throughout():
    """Review 10, finding 15: "учетная запись" in 20 strings beside "учётные записи"."""
    text = (TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "учётн" in text
    assert not re.search(r"[Уу]четн", text)

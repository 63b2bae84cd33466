"""Names sort by the reader's alphabet: Kazakh, Russian or English."""

import pytest

from tisc.domain.collation import KAZAKH_ALPHABET, region_sort_name, sort_key, sorted_by_name


def ordered(names, locale):
    return sorted_by_name(names, lambda name: name, locale)


def test_the_kazakh_alphabet_has_its_42_letters_once():
    assert len(KAZAKH_ALPHABET) == len(set(KAZAKH_ALPHABET)) == 42


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # Қ right after К, not after Я (where its code point puts it).
        (["Қарағанды", "Хромтау", "Көкшетау"], ["Көкшетау", "Қарағанды", "Хромтау"]),
        (["Ұлытау", "Түркістан", "Үржар", "Уральск"], ["Түркістан", "Уральск", "Ұлытау", "Үржар"]),
        (["Әулиеата", "Ақтөбе", "Бурабай"], ["Ақтөбе", "Әулиеата", "Бурабай"]),
        (["Өскемен", "Орал", "Павлодар"], ["Орал", "Өскемен", "Павлодар"]),
        (["Іле", "Ырғыз", "Шымкент"], ["Шымкент", "Ырғыз", "Іле"]),
        (["Ғылым", "Гүл", "Дала"], ["Гүл", "Ғылым", "Дала"]),
        (["Нұр-Сұлтан", "Ңа", "Оқу"], ["Нұр-Сұлтан", "Ңа", "Оқу"]),
        (["Һа", "Ха", "Ца"], ["Ха", "Һа", "Ца"]),
    ],
)
def test_kazakh_names_follow_the_kazakh_alphabet(names, expected):
    assert ordered(names, "kk") == expected


def test_russian_yo_sorts_with_ye_not_before_a():
    assert ordered(["Ёлка", "Астана", "Ель", "Жезказган"], "ru") == [
        "Астана", "Ель", "Ёлка", "Жезказган",
    ]  # fmt: skip


def test_case_does_not_matter_but_breaks_ties():
    assert ordered(["караганда", "Атырау", "КБТУ"], "kk") == ["Атырау", "караганда", "КБТУ"]
    assert sort_key("Абай", "kk") != sort_key("абай", "kk")


def test_each_language_reads_its_own_script_first():
    names = ["Nazarbayev University", "Атырау университеті", "KBTU"]
    assert ordered(names, "kk") == ["Атырау университеті", "KBTU", "Nazarbayev University"]
    assert ordered(names, "en") == ["KBTU", "Nazarbayev University", "Атырау университеті"]


def test_digits_and_spaces_come_first():
    assert ordered(["Town 10", "Town 2", "Town", "Townhall"], "en") == [
        "Town", "Town 10", "Town 2", "Townhall",
    ]  # fmt: skip


def test_russian_regions_named_with_region_first_sort_by_their_own_name():
    names = ["Мангистауская область", "область Абай", "Акмолинская область", "область Жетысу",
             "Жамбылская область", "город Алматы", "Областная"]  # fmt: skip
    ordered = sorted_by_name(names, region_sort_name, "ru")
    assert ordered == ["область Абай", "Акмолинская область", "город Алматы",
                       "Жамбылская область", "область Жетысу", "Мангистауская область",
                       "Областная"]  # fmt: skip

"""Reading a search box: references, words, and queries nothing typed can break."""

import pytest

from tisc.domain.search import (
    MAX_WORDS,
    Lexeme,
    fold,
    fts5_query,
    holds_each,
    names_it,
    parse,
    pieces_of,
    the_one_named,
    tsquery,
    weigh,
)


@pytest.mark.parametrize(
    ("text", "references"),
    [
        ("TISC-2026-00042", ("TISC-2026-00042",)),
        ("tisc-2026-42", ("TISC-2026-00042",)),
        ("  2026-00042 ", ("TISC-2026-00042",)),
        ("2026/42", ("TISC-2026-00042",)),
        ("TISC 2026 42", ("TISC-2026-00042",)),
        ("2026-0", ()),
        ("\u200eTISC-2026-00042\u200b", ("TISC-2026-00042",)),  # pasted with marks around it
    ],
)
def test_references_with_or_without_prefix_and_zeros(text, references):
    assert parse(text, 2026).references == references


def test_a_bare_number_names_that_request_in_each_recent_year_and_the_network_s_next():
    """The next year too: on 1 January before 05:00 in Almaty it is still last year in UTC."""
    refs = parse("42", 2026).references
    assert refs[0] == "TISC-2027-00042" and refs[-1] == "TISC-2017-00042" and len(refs) == 11


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Жылу сақтайтын КІРПІШ", ("жылу", "сактайтын", "кирпиш")),
        ("Ёлка ЁЛКА елка", ("елка",)),
        ("ӘҒҚҢӨҰҮҺІ әғқңөұүһі", ("агкноуухи",)),
        ("aliya.n@tisc-test.kz", ("aliya", "tisc", "test", "kz")),
        ("A61K 31/00", ("a61k", "31", "00")),
        ("кірпіш кирпиш", ("кирпиш",)),
        ("a b c", ()),  # one letter narrows nothing
        ('"; DROP --', ("drop",)),
        ("", ()),
    ],
)
def test_words_are_folded_split_and_deduplicated(text, words):
    wanted = parse(text, 2026)
    assert wanted.words == words and not wanted.references
    assert bool(wanted) == bool(words)


def test_folding_keeps_case_and_every_other_letter():
    assert fold("Қарағанды, Ёлка; йод, café, Ürümqi") == "Караганды, Елка; йод, café, Ürümqi"


def test_at_most_a_few_words():
    assert len(parse(" ".join(f"w{n}" for n in range(20)), 2026).words) == MAX_WORDS


def test_fts5_query_quotes_every_word_and_cuts_it_to_the_index_s_prefix():
    query = fts5_query(("өнертапқыш", "17"), ("words", "people"), "c3")
    assert query == 'scope : "c3" AND {words people} : ("өнерта"* AND "17"*)'


def test_tsquery_quotes_lexemes():
    assert tsquery([Lexeme("o'brien"), Lexeme("a\\b")], "B") == "'o''brien':*B & 'a\\\\b':*B"


STATISTICS = {"датчик": 0.18, "датчики": 0.02, "дала": 0.05, "сушилка": 0.18, "kz": 1.0}


def test_a_prefix_weighs_the_common_words_it_starts():
    датчик, дат, сейіт = weigh(["датчик", "дат", "сейіт"], STATISTICS)
    assert датчик.common and round(датчик.share, 6) == 0.2 and датчик.completions == ("датчики",)
    assert дат.common and дат.completions == ("датчик", "датчики")
    assert not сейіт.common and сейіт.share == 0


def test_a_common_prefix_names_its_words_to_the_planner_a_rare_one_does_not():
    weighed = weigh(["дат", "сейіт"], STATISTICS)
    assert tsquery(weighed, "BC") == (
        "('дат':*BC | 'дат':BC | 'датчик':BC | 'датчики':BC) & 'сейіт':*BC"
    )


@pytest.mark.parametrize(
    ("text", "names", "named"),
    [
        ("Кызылорда", ["Қызылорда облысы", "Kyzylorda Region"], True),  # typed as Russian
        ("кызылорд", ["Қызылорда облысы"], True),  # the start of a word
        ("Kyzylorda region", ["Kyzylorda Region"], True),
        ("орда", ["Қызылорда облысы"], False),  # inside a word: no
        ("Кызылорда Атырау", ["Қызылорда облысы"], False),  # every word must be in one name
        ("  ,. ", ["Қызылорда облысы"], False),  # no words: names nothing
    ],
)
def test_a_text_names_a_place_by_the_starts_of_its_words_in_any_language(text, names, named):
    assert names_it(text, names) is named


def test_the_one_named_is_none_when_several_or_none_are_named():
    regions = [("KZ-43", ["Қызылорда облысы", "Кызылординская область"]),
               ("KZ-23", ["Атырау облысы", "Атырауская область"])]  # fmt: skip
    assert the_one_named("Кызылорд", regions) == "KZ-43"
    assert the_one_named("область", regions) is None
    assert the_one_named("Астана", regions) is None


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("  Aigerim   BEKOVA ", ("aigerim", "bekova")),
        ("ӘЛИЯ Нұрланқызы", ("алия", "нурланкызы")),  # Kazakh letters as Russian ones
        ("A.Bekova@KBTU.kz", ("a.bekova@kbtu.kz",)),  # punctuation kept
        ("% _ \\ ' \"", ("%", "_", "\\", "'", '"')),  # characters, not patterns
        ("Йод", ("йод",)),
        ("И\u0306од", ("йод",)),  # и and a combining breve: й
        ("   ", ()),
    ],
)
def test_the_pieces_of_a_part_of_a_name_are_split_at_spaces_and_folded(text, pieces):
    assert pieces_of(text) == pieces


@pytest.mark.parametrize(
    ("text", "names", "held"),
    [
        ("бекова", ["Айгерім Бекова", "a.bekova@kbtu.kz"], True),  # any case
        ("АЙГЕРИМ", ["Айгерім Бекова"], True),  # і typed as и
        ("ekov", ["Aigerim Bekova"], True),  # inside a word too: a part of a name
        ("@kbtu.kz", ["Aigerim Bekova", "a.bekova@kbtu.kz"], True),
        ("bekova kbtu", ["Aigerim Bekova", "a.bekova@kbtu.kz"], True),  # pieces in either
        ("bekova atyrau", ["Aigerim Bekova", "a.bekova@kbtu.kz"], False),  # every piece
        ("бекова", ["Aigerim Bekova"], False),  # another script is another name
        ("%", ["Aigerim Bekova"], False),  # not LIKE's "anything"
        ("_", ["Aigerim Bekova", "aigerim@kbtu.kz"], False),  # not LIKE's "any letter"
        ("_", ["dana_s@kbtu.kz"], True),
        ("o'neil", ["Shauna O'Neil"], True),
        ("", ["Aigerim Bekova"], False),  # nothing typed holds for nothing
        ("bekova", [None, ""], False),
    ],
)
def test_each_piece_is_part_of_a_name_or_an_address_in_any_case_and_script(text, names, held):
    assert holds_each(pieces_of(text), names) is held

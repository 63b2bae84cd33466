"""Whether two requests are probably the same invention: pairs that must and must not match,
in Kazakh, Russian and English."""

import pytest

from tisc.domain.similarity import main_group, resemblance, same_word, words


def similar(first: tuple, second: tuple) -> bool:
    """``(title, keywords, ipc)`` pairs, compared as the submission compares them."""
    (title_a, keywords_a, ipc_a), (title_b, keywords_b, ipc_b) = first, second
    return resemblance(words(title_a, keywords_a), ipc_a, words(title_b, keywords_b), ipc_b).similar


MATCH = [
    # Kazakh: the same words with other endings, other case, other order.
    (("Жылу сақтайтын кірпіш", "", []), ("Кірпіштің жылу сақтауы", "", [])),
    (
        ("Көмір шаңын басатын көбік", "шахта, көбік", []),
        ("КӨМІР ШАҢЫН БАСУҒА АРНАЛҒАН КӨБІК", "", []),
    ),
    # Russian: inflection and ё/е.
    (
        ("Солнечный осушитель для абрикосов", "", []),
        ("Осушитель абрикосов на солнечной энергии", "", []),
    ),
    (
        ("Ёмкость для хранения водорода", "металлогидриды", []),
        ("Емкость хранения водорода", "", []),
    ),
    # English: plural and case.
    (("Self-heating brick", "bricks, heating", []), ("A self heating BRICK for houses", "", [])),
    (
        ("Hydrogen storage in metal hydrides", "", []),
        ("Metal hydride hydrogen storage tank", "", []),
    ),
    # The keywords carry the match when the titles differ.
    (("Жаңа құрылыс материалы", "кірпіш, жылу оқшаулау", []), ("Кірпіш", "жылу, оқшаулау", [])),
    # The same IPC symbol: the same invention written in two languages.
    (("Жылу сақтайтын кірпіш", "", ["E04C 1/00"]), ("Теплоизоляционный кирпич", "", ["E04C 1/00"])),
    # The same main group and a word in common.
    (("Кирпич с теплоизоляцией", "", ["E04C 1/40"]), ("Кирпич пустотелый", "", ["E04C 1/00"])),
]

NO_MATCH = [
    # Kazakh: one shared word among many is not enough.
    (("Жылу сақтайтын кірпіш", "", []), ("Тамшылатып суару жүйесі", "жылу", [])),
    (("Тұзды топыраққа арналған тамшылатып суару", "", []), ("Көмір шаңын басатын көбік", "", [])),
    # Russian: the common title words ("способ", "устройство") say nothing.
    (("Способ производства кирпича", "", []), ("Способ очистки воды", "", [])),
    (("Устройство для сушки зерна", "", []), ("Устройство для полива растений", "", [])),
    # English: "method"/"system" and short words do not count; one real word is not enough.
    (
        ("Method and system for water purification", "", []),
        ("Method and system for brick production", "", []),
    ),
    (("Solar dryer", "", []), ("Solid fuel boiler", "", [])),
    (
        ("Wheat rust detection with hyperspectral imaging", "", []),
        ("Hydrogen storage in metal hydrides", "imaging", []),
    ),
    # A main group in common without a shared word, or different IPC altogether.
    (("Жылу сақтайтын кірпіш", "", ["E04C 1/00"]), ("Керамикалық плитка", "", ["E04C 1/39"])),
    (("Self-heating brick", "", ["E04C 1/00"]), ("Brick", "", ["A61K 31/00"])),
]


@pytest.mark.parametrize(("first", "second"), MATCH)
def test_pairs_that_must_match(first, second):
    assert similar(first, second)
    assert similar(second, first)  # the order of submission does not matter


@pytest.mark.parametrize(("first", "second"), NO_MATCH)
def test_pairs_that_must_not_match(first, second):
    assert not similar(first, second)
    assert not similar(second, first)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("кірпіш", "кірпіштің", True),
        ("кирпич", "кирпича", True),
        ("теплый", "теплого", True),
        ("brick", "bricks", True),
        ("heat", "heating", True),
        ("solar", "solid", False),
        ("cat", "catalyst", False),  # too short to be a beginning
        ("сутегі", "сусын", False),
    ],
)
def test_words_differing_in_their_ending_are_the_same(one, other, same):
    assert same_word(one, other) is same
    assert same_word(other, one) is same


def test_words_are_casefolded_deduplicated_and_common_ones_dropped():
    assert words("Способ ХРАНЕНИЯ водорода", "водорода, ёмкость; of the") == [
        "хранения", "водорода", "емкость",
    ]  # fmt: skip


def test_the_evidence_names_what_matched():
    likeness = resemblance(
        words("Кирпич с теплоизоляцией"), ["E04C 1/40"], words("Кирпичи пустотелые"), ["E04C 1/00"]
    )
    assert likeness.shared_words == ("кирпич",)
    assert likeness.shared_ipc == ("E04C 1",) and not likeness.same_symbol
    assert main_group("A61K 31/075") == "A61K 31"


def test_a_shared_symbol_is_not_named_again_by_its_main_group():
    """The evidence once read "Shared IPC: A61K 31/00, G06F 16/30, A61K 31, G06F 16"."""
    likeness = resemblance([], ["A61K 31/00", "G06F 16/30", "H01M 8/10"],
                           [], ["G06F 16/30", "A61K 31/00", "H01M 8/04"])  # fmt: skip
    assert likeness.shared_ipc == ("A61K 31/00", "G06F 16/30", "H01M 8")
    assert likeness.same_symbol and likeness.similar

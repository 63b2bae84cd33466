import pytest

from tisc.domain.errors import Invalid
from tisc.domain.ipc import NOT_IPC, NOT_IPC_SEVERAL, normalise_symbol, parse_ipc_list


@pytest.mark.parametrize(
    ("text", "symbol"),
    [("A61K 31/00", "A61K 31/00"), ("a61k31/00", "A61K 31/00"), ("G06F  16 / 30", "G06F 16/30"),
     ("H01L 0021/02", "H01L 21/02"), ("C07D 401/123456", "C07D 401/123456"), ("B82Y", "B82Y")],
)  # fmt: skip
def test_valid_symbols_are_normalised(text, symbol):
    assert normalise_symbol(text) == symbol


@pytest.mark.parametrize(
    "text",
    [
        "Z99K 1/00",
        "A6K 31/00",
        "A61 31/00",
        "A61K 31",
        "A61K 31/0",
        "A61K 31/1234567",
        "<script>",
        "Д61К 31/00",  # Cyrillic Д looks like no Latin letter
    ],
)
def test_invalid_symbols_are_rejected(text):
    assert normalise_symbol(text) is None


def test_lists_split_on_commas_semicolons_and_lines_without_repeats():
    assert parse_ipc_list("A61K 31/00; g06f16/30,\nA61K31/00") == ["A61K 31/00", "G06F 16/30"]
    assert parse_ipc_list("") == []


@pytest.mark.parametrize(
    ("text", "symbol"),
    [("А61К 31/00", "A61K 31/00"),  # Cyrillic А and К, as a Kazakh or Russian keyboard types
     ("а61к31/00", "A61K 31/00"), ("Н01L 31/042", "H01L 31/042"), ("С07D", "C07D"),
     ("В82У", "B82Y"), ("Е04Н 1/00", "E04H 1/00"), ("G06М 17/00", "G06M 17/00"),
     ("Н04Т", "H04T"), ("G21Х", "G21X"), ("В65О", "B65O"), ("А01Р 1/00", "A01P 1/00"),
     ("н01т", "H01T")],
)  # fmt: skip
def test_cyrillic_look_alike_letters_are_read_as_latin(text, symbol):
    assert normalise_symbol(text) == symbol
    assert parse_ipc_list(f"{text}; A61K 31/00") == list(dict.fromkeys([symbol, "A61K 31/00"]))


def test_every_bad_symbol_is_named_at_once():
    with pytest.raises(Invalid) as refusal:
        parse_ipc_list("a61k31/00, G06F16, H01L 31/042; XYZ 1/2\nG06F16")
    assert refusal.value.field == "ipc_classes"
    assert refusal.value.params == {"symbols": "G06F16, XYZ 1/2"}
    assert refusal.value.message == NOT_IPC_SEVERAL


def test_one_bad_symbol_is_named_alone():
    with pytest.raises(Invalid) as refusal:
        parse_ipc_list("A61K 31/00; nonsense")
    assert refusal.value.params == {"symbols": "nonsense"}
    assert refusal.value.message == NOT_IPC


def test_twenty_one_bad_symbols_are_several_in_every_language():
    """Plural forms say 21 in the singular in Russian: the message is chosen by number."""
    with pytest.raises(Invalid) as refusal:
        parse_ipc_list("; ".join(f"X{n}" for n in range(21)))
    assert refusal.value.message == NOT_IPC_SEVERAL


def test_at_most_twenty_symbols():
    many = "; ".join(f"A61K {n}/00" for n in range(1, 22))
    with pytest.raises(Invalid):
        parse_ipc_list(many)

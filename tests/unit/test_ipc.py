import pytest

from tisc.domain.errors import Invalid
from tisc.domain.ipc import normalise_symbol, parse_ipc_list


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
        "А61К 31/00",
    ],
)
def test_invalid_symbols_are_rejected(text):
    assert normalise_symbol(text) is None


def test_lists_split_on_commas_semicolons_and_lines_without_repeats():
    assert parse_ipc_list("A61K 31/00; g06f16/30,\nA61K31/00") == ["A61K 31/00", "G06F 16/30"]
    assert parse_ipc_list("") == []


def test_the_first_bad_symbol_is_named():
    with pytest.raises(Invalid) as refusal:
        parse_ipc_list("A61K 31/00; nonsense")
    assert refusal.value.field == "ipc_classes"
    assert refusal.value.params == {"symbol": "nonsense"}


def test_at_most_twenty_symbols():
    many = "; ".join(f"A61K {n}/00" for n in range(1, 22))
    with pytest.raises(Invalid):
        parse_ipc_list(many)

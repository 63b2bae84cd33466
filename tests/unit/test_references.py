import pytest

from tisc.domain.errors import Invalid
from tisc.domain.references import format_reference, parse_reference


@pytest.mark.parametrize(
    ("year", "number", "text"),
    [(2026, 1, "TISC-2026-00001"), (2026, 42, "TISC-2026-00042"),
     (2027, 99999, "TISC-2027-99999"), (2027, 123456, "TISC-2027-123456")],
)  # fmt: skip
def test_references_are_zero_padded_to_five_digits_and_round_trip(year, number, text):
    assert format_reference(year, number) == text
    assert parse_reference(text) == (year, number)


def test_parsing_forgives_case_and_spaces():
    assert parse_reference("  tisc-2026-00042 ") == (2026, 42)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "TISC-26-00001",
        "TISC-2026-1",
        "ABC-2026-00001",
        "TISC-2026-00001/../x",
        "TISC-2026-0000١",
    ],
)
def test_malformed_references_are_invalid(text):
    with pytest.raises(Invalid):
        parse_reference(text)


def test_numbers_start_at_one():
    with pytest.raises(ValueError):
        format_reference(2026, 0)

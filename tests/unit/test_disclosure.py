"""Small counts hidden, and the counts beside them that would give one away: checked
against a reader who tries every value the page leaves possible."""

import itertools

import pytest

from tisc.domain.disclosure import (
    SMALL,
    Hidden,
    Protected,
    median_shown,
    protect,
    rating_shown,
    suppressed,
    together,
)

S, C = Hidden.SMALL, Hidden.COMPLEMENTARY


def possible_values(counts: dict, shown: dict) -> dict:
    """Every value each hidden count could have, for a reader who knows the total, the
    counts shown, that "fewer than 5" is 1 to 4, and that a count hidden beside it is at
    least 5 and at most the smallest count still shown (they are hidden smallest first)."""
    total = sum(counts.values())
    visible = [value for value in shown.values() if isinstance(value, int) and value]
    cap = min(visible, default=total)
    hidden = [key for key, value in shown.items() if isinstance(value, Hidden)]
    left = total - sum(visible)
    choices = [range(1, SMALL) if shown[key] is S else range(SMALL, cap + 1) for key in hidden]
    seen = {key: set() for key in hidden}
    for values in itertools.product(*choices):
        if sum(values) == left:
            for key, value in zip(hidden, values, strict=True):
                seen[key].add(value)
    return seen


def assert_nothing_worked_out(counts: dict, protected: Protected) -> None:
    seen = possible_values(counts, protected.cells)
    for key, values in seen.items():
        if protected.cells[key] is S:
            assert values == {1, 2, 3, 4}, (counts, protected, key, values)
        else:
            assert len(values) >= 2, (counts, protected, key, values)


def test_the_reviewers_example_gives_no_count_away():
    # Network 22: Karaganda 10, Atyrau 6, Nazarbayev University 5, KBTU 1 ("fewer than 5").
    counts = {"karaganda": 10, "atyrau": 6, "nu": 5, "kbtu": 1}
    protected = protect(counts)
    # Hiding the 5 leaves 6 hidden (1 + 5: both known); with the 6, 12 hidden with both
    # at most 10 (KBTU 1 or 2); only with the 10 too can KBTU be any of 1 to 4.
    assert protected == Protected({"karaganda": C, "atyrau": C, "nu": C, "kbtu": S})
    assert_nothing_worked_out(counts, protected)
    # Without the rule, the total gives it away: the reader's arithmetic says 1.
    assert possible_values(counts, {"karaganda": 10, "atyrau": 6, "nu": 5, "kbtu": S}) == {
        "kbtu": {1}
    }


def test_larger_counts_need_one_more_hidden():
    counts = {"karaganda": 120, "kbtu": 3, "atyrau": 60, "nu": 45}
    protected = protect(counts)
    assert protected.cells == {"karaganda": 120, "kbtu": S, "atyrau": 60, "nu": C}
    assert_nothing_worked_out(counts, protected)


def test_no_small_count_hides_nothing_more():
    counts = {"a": 10, "b": 0, "c": 5, "d": 7}
    assert protect(counts) == Protected(counts)
    assert not protect(counts).complementary


def test_two_small_counts_of_one_must_not_be_left_alone():
    # 1 and 1 hidden with the total known: their sum 2 says both.
    counts = {"a": 1, "b": 1, "c": 7, "d": 9, "e": 30}
    assert possible_values(counts, {"a": S, "b": S, "c": 7, "d": 9, "e": 30}) == {
        "a": {1},
        "b": {1},
    }
    protected = protect(counts)
    assert protected.cells == {"a": S, "b": S, "c": C, "d": C, "e": 30}
    assert_nothing_worked_out(counts, protected)


def test_small_counts_that_hide_each_other_need_nothing_more():
    counts = {"a": 2, "b": 3}  # 5 hidden: each could be 1 to 4
    assert protect(counts) == Protected({"a": S, "b": S})
    assert_nothing_worked_out(counts, protect(counts))


def test_every_count_hidden_and_still_given_away_hides_the_total():
    assert protect({"a": 4, "b": 4}) == Protected({"a": S, "b": S}, total_hidden=True)
    assert protect({"a": 4, "b": 0, "c": 4}).total_hidden
    assert protect({"a": 1, "b": 0}).total_hidden  # the total is 1: "fewer than 5" itself


def test_a_count_hidden_beside_is_no_larger_than_the_smallest_still_shown():
    # With one 30 hidden and the other shown, the hidden one is at most 30, so the small
    # one is at least 32 - 30 = 2: the second 30 must go too.
    counts = {"a": 2, "b": 30, "c": 30}
    assert possible_values(counts, {"a": S, "b": C, "c": 30}) == {
        "a": {2, 3, 4},
        "b": {28, 29, 30},
    }
    assert protect(counts).cells == {"a": S, "b": C, "c": C}


def test_ties_are_hidden_in_the_breakdowns_order():
    assert protect({"z": 8, "a": 1, "y": 8, "x": 40}).cells == {"z": C, "a": S, "y": 8, "x": 40}
    assert protect({"y": 8, "a": 1, "z": 8, "x": 40}).cells == {"y": C, "a": S, "z": 8, "x": 40}
    # With a 2, one 8 hidden beside an 8 still shown leaves it at least 10 - 8: both go.
    counts = {"z": 8, "a": 2, "y": 8, "x": 40}
    assert protect(counts).cells == {"z": C, "a": S, "y": C, "x": 40}
    assert_nothing_worked_out(counts, protect(counts))


@pytest.mark.parametrize("size", [2, 3, 4])
def test_no_table_of_small_counts_gives_one_away(size):
    for values in itertools.product((0, 1, 2, 4, 5, 6, 7, 9, 12), repeat=size):
        counts = {f"cell{i}": value for i, value in enumerate(values)}
        protected = protect(counts)
        if not protected.total_hidden:
            assert_nothing_worked_out(counts, protected)
        assert all(
            (value is S) == (0 < counts[key] < SMALL) for key, value in protected.cells.items()
        )


def test_breakdowns_of_one_total_hide_all_when_one_must_hide_it():
    per_centre = protect({"kbtu": 4, "nu": 4, "atyrau": 0})
    per_service = protect({"prior_art_search": 8, "training": 0})
    assert per_centre.total_hidden and not per_service.total_hidden
    centres, services = together(per_centre, per_service)
    assert services == Protected({"prior_art_search": C, "training": 0}, total_hidden=True)
    assert centres == per_centre
    safe = protect({"a": 9})
    assert together(safe, per_service) == (safe, per_service)


def test_single_counts_medians_and_ratings():
    assert [suppressed(n) for n in (0, 1, 4, 5, 120)] == [0, S, S, 5, 120]
    assert median_shown(4, 3.0) is None and median_shown(5, 3.0) == 3.0
    assert rating_shown(3, 2.7) is None and rating_shown(5, 4.2) == 4.2

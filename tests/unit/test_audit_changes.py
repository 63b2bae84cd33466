"""What a list the audit trail recorded before and after gained and lost."""

import pytest

from tisc.domain.audit import list_change


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        (["a", "b", "c"], ["a", "b", "d"], (["d"], ["c"])),
        (["kk", "ru"], ["kk", "ru", "en"], (["en"], [])),  # only added
        (["kk", "ru", "en"], ["ru"], ([], ["kk", "en"])),  # only removed, in their order
        ([], ["a", "b"], (["a", "b"], [])),  # from an empty list
        (["a", "b"], ["b", "a"], None),  # the same values in another order
        (["a"], ["a"], None),
        (None, ["a"], None),  # a value recorded once (a creation): no list before
        ("a", ["a", "b"], None),  # not a list on both sides
        (["a"], "a", None),
        ([1, 2], [True, 3], None),  # not codes, shown whole: True == 1 would hide a change
        ([{"day": 1, "open": 9}], [{"day": 1, "open": 10}], None),  # records: shown whole
    ],
)
def test_a_list_s_change_is_what_it_gained_and_what_it_lost(before, after, change):
    assert list_change(before, after) == change

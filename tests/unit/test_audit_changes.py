"""What a list the audit trail recorded before and after gained and lost."""

import pytest

from tisc.domain.audit import field_and_language, list_change


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


@pytest.mark.parametrize(
    ("key", "target", "label"),
    [("name", "user:7", ("Name", None)), ("name", "", ("Name", None)),
     ("name", "centre:kbtu", ("Centre name", None)),
     ("name_en", "centre:kbtu", ("Centre name", "en")),
     ("name", "token:3", ("Token name", None)), ("address_kk", "centre:kbtu", ("Address", "kk")),
     ("name_xx", "centre:kbtu", ("name_xx", None))],
)  # fmt: skip
def test_a_name_is_labelled_as_the_name_of_the_thing_it_names(key, target, label):
    """Russian and Kazakh label a person's name as ФИО / Аты-жөні: a centre's was too."""
    assert field_and_language(key, target) == label

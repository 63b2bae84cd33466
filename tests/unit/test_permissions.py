"""The access rules as a table: each predicate, every kind of person."""

from dataclasses import dataclass

import pytest

from tisc.domain import permissions
from tisc.domain.catalogue import Role
from tisc.domain.permissions import SCHEDULE, Actor, Agent


@dataclass(frozen=True)
class Req:
    inventor_id: int
    centre_id: int


REQUEST = Req(inventor_id=1, centre_id=10)
PEOPLE = {
    "owner": Actor(1, Role.INVENTOR),
    "deactivated_owner": Actor(1, Role.INVENTOR, active=False),
    "other_inventor": Actor(2, Role.INVENTOR),
    "staff": Actor(3, Role.STAFF, 10),
    "deactivated_staff": Actor(3, Role.STAFF, 10, active=False),
    "other_staff": Actor(4, Role.STAFF, 20),
    "staff_without_centre": Actor(5, Role.STAFF, None),
    "coordinator": Actor(6, Role.COORDINATOR),
    "coordinator_with_inventor_id": Actor(1, Role.COORDINATOR, 10),
}
EXPECTED = {
    "view_request": {"owner", "staff"},
    "see_internal": {"staff"},
    "see_inventor_contact": {"staff"},
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("rule", EXPECTED)
def test_each_rule_admits_exactly_its_people(rule, who):
    allowed = getattr(permissions, f"can_{rule}")(PEOPLE[who], REQUEST)
    assert allowed == (who in EXPECTED[rule])


@pytest.mark.parametrize("who", PEOPLE)
def test_only_an_active_coordinator_sees_metadata(who):
    assert permissions.can_see_metadata(PEOPLE[who]) == (who.startswith("coordinator"))


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("roles", "admitted"),
    [
        (frozenset({Role.STAFF}), {"staff"}),
        (frozenset({Role.INVENTOR}), {"owner"}),
        (frozenset({Role.STAFF, Role.INVENTOR}), {"staff", "owner"}),
        # The office acts on any request's metadata where the action allows: a transfer off
        # a suspended centre, unassigning someone who left; never when deactivated.
        (frozenset({Role.COORDINATOR}), {"coordinator", "coordinator_with_inventor_id"}),
        (frozenset({Agent.SCHEDULE}), set()),  # only the daily jobs themselves
    ],
)
def test_taking_part_needs_the_role_and_the_request(who, roles, admitted):
    assert permissions.can_take_part(PEOPLE[who], REQUEST, roles) == (who in admitted)


def test_the_daily_jobs_take_part_only_in_their_own_actions():
    assert permissions.can_take_part(SCHEDULE, REQUEST, frozenset({Agent.SCHEDULE}))
    for roles in (frozenset({Role.STAFF}), frozenset({Role.INVENTOR, Role.COORDINATOR})):
        assert not permissions.can_take_part(SCHEDULE, REQUEST, roles)


ELSEWHERE = Req(inventor_id=1, centre_id=20)  # the same inventor's request at another centre
SAME_CENTRE = Req(inventor_id=1, centre_id=10)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("other", "admitted"),
    [(SAME_CENTRE, {"owner", "staff"}), (ELSEWHERE, {"owner"})],
)
def test_seeing_both_requests_of_a_possible_duplicate(who, other, admitted):
    assert permissions.can_see_both(PEOPLE[who], REQUEST, other) == (who in admitted)


@pytest.mark.parametrize("who", PEOPLE)
def test_duplicate_flags_are_for_the_staff_handling_the_request(who):
    assert permissions.can_see_duplicate_flags(PEOPLE[who], REQUEST) == (who == "staff")
    assert permissions.can_see_duplicate_link(PEOPLE[who]) == who.startswith("coordinator")


@pytest.mark.parametrize("who", PEOPLE)
def test_a_centre_s_page_and_saved_replies_are_its_staff_s(who):
    for rule in (permissions.can_edit_centre_profile, permissions.can_manage_saved_replies):
        assert rule(PEOPLE[who], 10) == (who == "staff")
        assert not rule(PEOPLE[who], None)

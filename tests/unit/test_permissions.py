"""The access rules as a table: each predicate, every kind of person."""

from dataclasses import dataclass

import pytest

from tisc.domain import permissions
from tisc.domain.catalogue import Role
from tisc.domain.permissions import Actor


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
        # Only actions that touch no content are open to the office (unassigning a leaver).
        (frozenset({Role.COORDINATOR}), {"coordinator", "coordinator_with_inventor_id"}),
    ],
)
def test_taking_part_needs_the_role_and_the_request(who, roles, admitted):
    assert permissions.can_take_part(PEOPLE[who], REQUEST, roles) == (who in admitted)

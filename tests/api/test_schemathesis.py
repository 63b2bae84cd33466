"""Property-based tests of the API from its own OpenAPI document (schemathesis).

For every operation, as each kind of person and as a visitor, generated inputs - valid
and not - must never cause a 500, and every answer must match the document: its status
codes, media types, headers and schemas.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import ApiWorld
from tests.conftest import settings_for
from tisc import create_app

# The document needs no database: read it once, at collection, from an app of its own;
# the calls go to each test's app.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app(settings_for("sqlite://"))
)
# Valid by the schema yet refused by a rule the schema cannot say (a region code that
# does not exist, an action the request's state does not allow) is a 4xx by design.
NOT_CHECKED = [positive_data_acceptance]
# A missing If-Match is answered 428 Precondition Required (RFC 6585), made for just that;
# an If-Match that is not the current version, 412 before the fields are read, however wrong
# they are (RFC 9110, 13.2.1: preconditions come before processing the content).
CHECKS = schema.config.checks
CHECKS.missing_required_header.expected_statuses = [
    *CHECKS.missing_required_header.expected_statuses, "428"
]  # fmt: skip
CHECKS.negative_data_rejection.expected_statuses = [
    *CHECKS.negative_data_rejection.expected_statuses, "412"
]  # fmt: skip
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def world(make) -> ApiWorld:
    """Every kind of person with a token, and a request with a file to find."""
    return ApiWorld(make)


def call(case, world: ApiWorld, role: str | None) -> None:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role else {}
    if _drops_authorization(case):
        headers = {}  # the case's point is a request without it: adding ours undid that
    case.call_and_validate(app=world.make.app, headers=headers, excluded_checks=NOT_CHECKED)


def _drops_authorization(case) -> bool:
    """A negative case made by leaving out the (required) Authorization header."""
    return (
        case.meta is not None
        and case.meta.is_negative_at(ParameterLocation.HEADER)
        and "Authorization" not in (case.headers or {})
    )


@schema.parametrize()
@FUZZ
def test_as_an_inventor(case, world):
    call(case, world, "inventor")


@schema.parametrize()
@FUZZ
def test_as_centre_staff(case, world):
    call(case, world, "staff")


@schema.parametrize()
@FUZZ
def test_as_the_national_office(case, world):
    call(case, world, "coordinator")


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_as_a_visitor(case, world):
    call(case, world, None)


@schema.include(path_regex="/actions/").parametrize()
@FUZZ
def test_actions_on_a_request_that_exists(case, world):
    """A made-up reference is a 404 before anything else: on a real one, the generated
    If-Match (or its absence) and fields are answered, and checked against the document."""
    if not case.meta.is_negative_at(ParameterLocation.PATH):
        case.path_parameters = {**case.path_parameters, "reference": world.reference}
    call(case, world, "staff")

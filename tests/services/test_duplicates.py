"""The same invention at two centres: flagged at submission, shown to each person as far as
they may know, linked (one closed as a duplicate) or dismissed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.mail import outbox
from tisc.domain.errors import Invalid
from tisc.domain.references import parse_reference
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import DuplicateFlag, RequestEvent, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import duplicates, oversight, requests, timeline

FIRST = "Жылу сақтайтын кірпіш"
AGAIN = "Кірпіштің жылу сақтауы"  # the same invention, worded again


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor"),
        "other_inventor": make.user("inventor"),
        "kbtu": make.user("staff", centre="kbtu"),
        "nu": make.user("staff", centre="nazarbayev-university"),
        "coordinator": make.user("coordinator"),
    }


def user(person) -> User:
    return db.session.get(User, person.id)


def request_row(reference) -> ServiceRequest:
    db.session.rollback()  # end this session's read, to see what the use cases committed
    return db.session.scalar(sa.select(ServiceRequest).where(ServiceRequest.reference == reference))


def flag_state(flag_id) -> str:
    db.session.rollback()
    return db.session.get(DuplicateFlag, flag_id).state


def flags(person, reference):
    service_request = request_row(reference)
    return duplicates.flags_for(user(person).actor, service_request)


def test_a_similar_request_at_the_same_centre_is_flagged_with_its_reference(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN)
    (flag,) = flags(people["kbtu"], again)
    assert flag.other_reference == first and flag.same_centre
    assert flag.evidence["words"] == ["кірпіштің", "жылу", "сақтауы"]
    (back,) = flags(people["kbtu"], first)  # shown from both sides
    assert back.other_reference == again


def test_at_another_centre_staff_learn_only_that_a_possible_duplicate_exists(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)  # routed to KBTU
    again = make.request(people["inventor"], title=AGAIN, centre="nazarbayev-university")
    (seen_at_nu,) = flags(people["nu"], again)
    assert seen_at_nu.other_reference is None
    assert seen_at_nu.other_centre_id == make.centre_id("kbtu")
    (seen_at_kbtu,) = flags(people["kbtu"], first)
    assert seen_at_kbtu.other_reference is None
    assert flags(people["inventor"], first) == [] and flags(people["nu"], first) == []
    meta = oversight.request_metadata(user(people["coordinator"]), again)
    assert meta.duplicate_link and not hasattr(meta, "other_reference")


def test_from_another_centre_the_shared_words_are_only_ever_ones_own(make, ctx, people):
    """The words are kept as the newer request wrote them: staff who hold the older one and
    may not see the newer would read the other centre's words (matched by their starts)."""
    first = make.request(people["inventor"], title="Poly coating pipes")  # routed to KBTU
    again = make.request(
        people["inventor"], title="Polyurethane coatings for offshore pipelines",
        centre="nazarbayev-university",
    )  # fmt: skip
    (seen_at_nu,) = flags(people["nu"], again)
    assert seen_at_nu.evidence["words"] == ["polyurethane", "coatings", "pipelines"]
    (seen_at_kbtu,) = flags(people["kbtu"], first)
    assert "words" not in seen_at_kbtu.evidence and "ipc" in seen_at_kbtu.evidence


@pytest.mark.parametrize(
    "second",
    [
        {"title": AGAIN, "service": "patentability"},  # another service
        {"title": "Тамшылатып суару жүйесі"},  # another invention
        {"title": AGAIN, "inventor": "other_inventor"},  # someone else's
    ],
)
def test_different_requests_are_not_flagged(make, ctx, people, second):
    make.request(people["inventor"], title=FIRST)
    fields = dict(second)  # the parameters are shared by both databases' runs
    who = people[fields.pop("inventor", "inventor")]
    make.request(who, **fields)
    assert db.session.scalar(sa.select(sa.func.count(DuplicateFlag.id))) == 0


def test_only_open_requests_of_the_last_thirty_days_count(make, ctx, people):
    withdrawn = make.request(people["inventor"], title=FIRST)
    make.act(people["inventor"], withdrawn, "withdraw")
    old = requests.submit(
        user(people["inventor"]),
        requests.Draft(service="prior_art_search", title=FIRST, description="x",
                       region_code="KZ-75", preferred_language="kk", confidentiality_ack=True),
        make.policy, now=utcnow() - timedelta(days=31),
    ).reference  # fmt: skip
    make.request(people["inventor"], title=AGAIN)
    assert db.session.scalar(sa.select(sa.func.count(DuplicateFlag.id))) == 0
    assert request_row(old).status == "submitted"


def link(make, person, reference, flag_id, text=""):
    make.act(person, reference, "link_duplicate", flag_id=flag_id, text=text)


def test_linking_closes_one_as_a_duplicate_of_the_other_and_tells_the_inventor(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN, centre="nazarbayev-university")
    (flag,) = flags(people["nu"], again)
    link(make, people["nu"], again, flag.id)
    closed = request_row(again)
    assert closed.status == "duplicate" and closed.duplicate_of.reference == first
    assert request_row(first).status == "submitted"
    assert flag_state(flag.id) == "linked"
    (told,) = outbox(make.app, kind="closed_as_duplicate")
    assert told.to_address == people["inventor"].email
    assert again in told.subject and first in told.subject
    assert flags(people["kbtu"], first) == []  # decided: no longer shown
    meta = oversight.request_metadata(user(people["coordinator"]), first)
    assert meta.duplicate_link


def test_a_flag_whose_other_request_closed_meanwhile_cannot_be_linked(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN)
    (flag,) = flags(people["kbtu"], again)
    make.act(people["inventor"], first, "withdraw")
    version = request_row(again).version
    with pytest.raises(Invalid) as refusal:
        link(make, people["kbtu"], again, flag.id)
    assert refusal.value.field == "flag"
    assert request_row(again).status == "submitted" and request_row(again).version == version


def test_a_flag_is_shown_only_while_both_requests_are_open(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN)
    unrelated = make.request(people["inventor"], title="Тамшылатып суару жүйесі")
    assert len(flags(people["kbtu"], first)) == len(flags(people["kbtu"], again)) == 1
    make.act(people["inventor"], first, "withdraw")
    assert flags(people["kbtu"], first) == []  # this one closed
    assert flags(people["kbtu"], again) == []  # the other one closed
    assert flags(people["kbtu"], unrelated) == []


def test_a_flag_of_other_requests_is_no_flag_of_this_one(make, ctx, people):
    make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN)
    unrelated = make.request(people["other_inventor"], title="Басқа")
    (flag,) = flags(people["kbtu"], again)
    with pytest.raises(Invalid):
        link(make, people["kbtu"], unrelated, flag.id)
    assert request_row(unrelated).status == "submitted"


def test_dismissing_keeps_both_open_and_tells_nobody(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST)
    again = make.request(people["inventor"], title=AGAIN, centre="nazarbayev-university")
    sent = len(outbox(make.app))
    (flag,) = flags(people["kbtu"], first)
    make.act(people["kbtu"], first, "dismiss_duplicate", flag_id=flag.id, text="Other alloy.")
    assert flag_state(flag.id) == "dismissed"
    assert flags(people["kbtu"], first) == [] and flags(people["nu"], again) == []
    assert request_row(first).status == "submitted" and request_row(again).status == "submitted"
    assert len(outbox(make.app)) == sent
    event = db.session.scalar(
        sa.select(RequestEvent).where(RequestEvent.action == Action.DISMISS_DUPLICATE)
    )
    assert event.internal
    seen_by_inventor = timeline.timeline(user(people["inventor"]), request_row(first))
    assert Action.DISMISS_DUPLICATE not in [entry.action for entry in seen_by_inventor]
    assert not oversight.request_metadata(user(people["coordinator"]), first).duplicate_link


def test_the_inventor_is_warned_of_similar_open_requests_before_sending(make, ctx, people):
    first = make.request(people["inventor"], title=FIRST, keywords="кірпіш")
    found = duplicates.similar_open(
        people["inventor"].id, "prior_art_search", AGAIN, "", "", utcnow()
    )
    assert [similar.reference for similar in found] == [first]
    assert (
        duplicates.similar_open(
            people["inventor"].id, "prior_art_search", "Су тазарту", "", "", utcnow()
        )
        == []
    )


def test_a_submission_like_an_open_one_is_held_until_the_inventor_says_it_is_another(
    make, ctx, people
):
    first = make.request(people["inventor"], title=FIRST)
    count = sa.select(sa.func.count(ServiceRequest.id))
    before = db.session.scalar(count)
    with pytest.raises(duplicates.SimilarOpen) as held:
        make.request(people["inventor"], title=AGAIN, send_anyway=False)
    assert [similar.reference for similar in held.value.similar] == [first]
    db.session.rollback()
    assert db.session.scalar(count) == before  # nothing written, no reference used
    assert db.session.scalar(sa.select(sa.func.count(DuplicateFlag.id))) == 0
    again = make.request(people["inventor"], title=AGAIN, send_anyway=True)
    assert [flag.other_reference for flag in flags(people["kbtu"], again)] == [first]
    assert parse_reference(again)[1] == parse_reference(first)[1] + 1

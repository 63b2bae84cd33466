"""Who is told about what: every workflow event queues the right messages."""

import pytest
import sqlalchemy as sa

from tests.factories import COMPLETION
from tests.mail import outbox
from tisc.domain.errors import Refused
from tisc.extensions import db
from tisc.models import User
from tisc.services import notifications


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor", locale="kk"),
        "staff": make.user("staff", centre="kbtu", locale="ru"),
        "colleague": make.user("staff", centre="kbtu", locale="en"),
        "nu": make.user("staff", centre="nazarbayev-university"),
        "coordinator": make.user("coordinator"),
    }


def told(app, since: int = 0) -> list[tuple[str, str]]:
    return [(m.kind, m.to_address) for m in outbox(app)[since:]]


def test_submission_tells_the_inventor_and_the_centres_staff(make, people):
    before = len(outbox(make.app))
    make.request(people["inventor"])
    assert sorted(told(make.app, before)) == sorted([
        ("request_received", people["inventor"].email),
        ("new_request", people["staff"].email),
        ("new_request", people["colleague"].email),
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([("staff", "assign", {"assignee": "colleague"})], [("assigned_to_you", "colleague")]),
        ([("staff", "assign", {"assignee": "staff"})], []),  # assigning oneself tells nobody
        ([("staff", "assign", {"assignee": "colleague"}), ("colleague", "start", {}),
          ("colleague", "ask", {"text": "?"})], [("question", "inventor")]),
        ([("staff", "assign", {"assignee": "colleague"}), ("colleague", "start", {}),
          ("colleague", "ask", {"text": "?"}), ("inventor", "reply", {"text": "!"})],
         [("inventor_replied", "colleague")]),
        ([("staff", "assign", {"assignee": "colleague"}), ("inventor", "message", {"text": "+"})],
         [("inventor_replied", "colleague")]),
        ([("staff", "message", {"text": "hi"})], [("message_from_centre", "inventor")]),
        ([("staff", "note", {"text": "internal"})], []),
        ([("staff", "decline", {"text": "no"})], [("declined", "inventor")]),
        ([("staff", "assign", {"assignee": "colleague"}), ("inventor", "withdraw", {})],
         [("withdrawn", "colleague")]),
        ([("staff", "transfer", {"centre": "nazarbayev-university", "text": "experts"})],
         [("transferred", "inventor"), ("new_request", "nu")]),
        ([("staff", "assign", {"assignee": "staff"}), ("staff", "start", {}),
          ("staff", "complete", COMPLETION)], [("completed", "inventor")]),
        ([("staff", "decline", {"text": "no"}), ("staff", "reopen", {"text": "yes"})],
         [("reopened", "inventor")]),
    ],
)  # fmt: skip
def test_each_event_tells_the_right_people(make, people, steps, expected):
    reference = make.request(people["inventor"])
    for who, action, given in steps[:-1]:
        make.act(people[who], reference, action, **_inputs(make, people, given))
    before = len(outbox(make.app))
    who, action, given = steps[-1]
    make.act(people[who], reference, action, **_inputs(make, people, given))
    assert sorted(told(make.app, before)) == sorted(
        (kind, people[person].email) for kind, person in expected
    )


def _inputs(make, people, given):
    given = dict(given)
    if "assignee" in given:
        given["assignee_id"] = people[given.pop("assignee")].id
    if "centre" in given:
        given["centre_id"] = make.centre_id(given.pop("centre"))
    return given


def test_muted_notifications_are_not_queued(make, people):
    with make.app.app_context():
        db.session.execute(
            sa.update(User).where(User.id == people["colleague"].id)
            .values(muted_notifications=["new_request"])
        )  # fmt: skip
        db.session.commit()
    make.request(people["inventor"])
    assert ("new_request", people["colleague"].email) not in told(make.app)
    assert ("new_request", people["staff"].email) in told(make.app)


def test_deactivated_staff_are_not_told(make, people, ctx):
    db.session.execute(sa.update(User).where(User.id == people["staff"].id).values(active=False))
    db.session.commit()
    make.request(people["inventor"])
    assert ("new_request", people["staff"].email) not in told(make.app)


def test_a_failed_action_queues_nothing(make, people):
    reference = make.request(people["inventor"])
    before = len(outbox(make.app))
    with pytest.raises(Refused):
        make.act(people["staff"], reference, "complete", **COMPLETION)
    assert len(outbox(make.app)) == before


def test_digests_go_once_a_day_to_staff_with_due_work(make, people, ctx):
    from datetime import UTC, datetime, timedelta

    from tisc.models import ServiceRequest

    reference = make.request(people["inventor"])
    make.request(people["inventor"], region="KZ-23", service="ip_consultation")  # Atyrau
    db.session.execute(
        sa.update(ServiceRequest).where(ServiceRequest.reference == reference)
        .values(due_at=datetime.now(UTC) - timedelta(days=1))
    )  # fmt: skip
    db.session.commit()
    today = datetime.now(UTC).date()
    first = notifications.queue_digests(today)
    db.session.commit()
    again = notifications.queue_digests(today)
    db.session.commit()
    assert (first, again) == (2, 0)  # KBTU's two staff; Atyrau has no staff and nothing due
    digests = outbox(make.app, kind="daily_digest")
    assert sorted(m.to_address for m in digests) == sorted(
        [people["staff"].email, people["colleague"].email]
    )
    english = next(m for m in digests if m.to_address == people["colleague"].email)
    russian = next(m for m in digests if m.to_address == people["staff"].email)
    assert reference in english.body_text and "OVERDUE" in english.body_text
    assert reference in russian.body_text and "ПРОСРОЧЕН" in russian.body_text.upper()


def test_a_subject_is_one_line_whatever_a_name_in_it_holds(make, people):
    """A mail server refuses a subject with a line break: every notice naming the centre
    would be lost. The forms keep names on one line; older data or an import may not."""
    from flask_mail import Message

    from tisc.models import Centre

    with make.app.app_context():
        db.session.execute(
            sa.update(Centre).where(Centre.slug == "kbtu")
            .values(name_kk="ҚБТУ\r\nBcc: evil@example.kz", name_ru="КБТУ\nBcc: evil@example.kz",
                    name_en="KBTU\r\nBcc: evil@example.kz")
        )  # fmt: skip
        db.session.commit()
    make.request(people["inventor"])
    subjects = [m.subject for m in outbox(make.app, kind="new_request")]
    assert len(subjects) == 2
    for subject in subjects:
        assert "\r" not in subject and "\n" not in subject
        assert "Bcc: evil@example.kz" in subject  # the name is kept, on the subject's line
        message = Message(subject=subject, recipients=["a@example.kz"], sender="b@example.kz")
        assert not message.has_bad_headers()

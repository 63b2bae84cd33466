"""The worker: delivers the outbox with back-off, gives up visibly, runs the daily jobs,
and sends each message once however many workers run."""

import re
import sqlite3
import threading
from datetime import timedelta
from functools import partial

import sqlalchemy as sa
from sqlalchemy import event

from tests.conftest import in_a_process_of_its_own, settings_for
from tests.factories import login
from tests.sql import statements
from tisc.extensions import db
from tisc.mail import delivery
from tisc.mail.smtp import mail
from tisc.models import Delivery, OutboxMessage
from tisc.models.base import utcnow
from tisc.services import schedule
from tisc.worker import Worker


def deliveries(app) -> list[tuple[str, Delivery, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.kind, OutboxMessage.delivery, OutboxMessage.attempts).order_by(
                OutboxMessage.id
            )
        ).all()
        return [tuple(row) for row in rows]


def test_with_a_worker_the_web_sends_nothing_after_the_response(worker_app, make):
    inventor = make.user("inventor")
    make.user("staff", centre="kbtu")
    client = worker_app.test_client()
    login(client, inventor)
    with mail.record_messages() as sent:
        response = client.post("/requests/new", data={
            "service": "prior_art_search", "title": "A brick", "description": "Secret.",
            "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y",
        })  # fmt: skip
        response.close()
        assert response.status_code == 302
        assert sent == []
        assert {d for _, d, _ in deliveries(worker_app)} == {Delivery.QUEUED}
        done = Worker(worker_app).run_once()
    assert (done.sent, done.failed) == (2, 0)
    assert set(done.daily) == {job.name for job in schedule.JOBS}  # today's run is done
    assert sorted(m.recipients[0] for m in sent) == sorted(
        [inventor.email, make.person(inventor.id + 1).email]
    )


# A web worker of its own beside a worker: it takes a submission and shows pages, then
# the worker's round sends what it queued; which modules each step had loaded.
WEB_THEN_WORKER = """
import json, sys
from tests.factories import login, Person
from tisc import create_app
from tisc.worker import Worker
settings, inventor = json.loads(sys.argv[1]), json.loads(sys.argv[2])
app = create_app(settings)
client = app.test_client()
login(client, Person(**inventor))
submitted = client.post("/requests/new", data={
    "service": "prior_art_search", "title": "A brick", "description": "Secret.",
    "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y",
})
pages = [client.get(path).status_code for path in ("/requests", "/centres", "/account")]
heavy = ("flask_mail", "email.mime", "babel.messages")
web = sorted(m for m in heavy if m in sys.modules)
from tisc.mail.smtp import mail
with mail.record_messages() as sent:
    done = Worker(app).run_once()
print(json.dumps({
    "submitted": submitted.status_code, "pages": pages, "web": web, "sent": len(sent),
    "worker": sorted(m for m in heavy[:2] if m in sys.modules),
}))
"""


def test_a_web_worker_never_loads_the_mail_sender_and_the_worker_binds_it_to_send(database, make):
    """Flask-Mail (and the e-mail packages it brings) and Babel's catalogue tools are
    0.75 and 0.7 MB of every web worker that never sends or edits a catalogue."""
    inventor = make.user("inventor")
    make.user("staff", centre="kbtu")
    settings = settings_for(database) | {"TISC_WORKER": True, "MAIL_SERVER": "smtp.tisc-test.kz"}
    result = in_a_process_of_its_own(WEB_THEN_WORKER, settings, inventor)
    assert result["submitted"] == 302 and result["pages"] == [200, 200, 200]
    assert result["web"] == []
    assert result["sent"] == 2  # the receipt and the centre's notice, through Flask-Mail
    assert result["worker"] == ["email.mime", "flask_mail"]


def test_a_failure_waits_for_its_back_off_then_is_given_up_after_the_last_attempt(
    worker_app, make, monkeypatch
):
    make.request(make.user("inventor"))  # its receipt is the one message
    worker_app.config["TISC_MAIL_MAX_ATTEMPTS"] = 3
    monkeypatch.setattr(mail, "send", lambda message: (_ for _ in ()).throw(OSError("down")))
    clock = [utcnow()]
    monkeypatch.setattr(delivery, "utcnow", lambda: clock[0])
    worker = Worker(worker_app, daily_seconds=10**9)

    worker.run_once()
    assert deliveries(worker_app) == [("request_received", Delivery.FAILED, 1)]
    worker.run_once()  # not due yet: one minute of back-off
    assert deliveries(worker_app) == [("request_received", Delivery.FAILED, 1)]
    clock[0] += timedelta(minutes=1, seconds=1)
    worker.run_once()
    assert deliveries(worker_app) == [("request_received", Delivery.FAILED, 2)]
    clock[0] += timedelta(minutes=2, seconds=1)
    worker.run_once()
    assert deliveries(worker_app) == [("request_received", Delivery.GAVE_UP, 3)]
    clock[0] += timedelta(days=1)
    worker.run_once()  # given up: never tried again
    assert deliveries(worker_app) == [("request_received", Delivery.GAVE_UP, 3)]


def test_the_coordinator_sees_undelivered_mail_but_not_what_it_said(
    worker_app, make, monkeypatch, app
):
    inventor = make.user("inventor")
    make.request(inventor, title="TOP-SECRET-TITLE")
    monkeypatch.setattr(mail, "send", lambda message: (_ for _ in ()).throw(OSError("refused")))
    Worker(worker_app).run_once()
    client = app.test_client()
    login(client, make.user("coordinator"))
    page = client.get("/office/mail").get_data(as_text=True)
    assert inventor.email in page and "OSError: refused" in page
    assert "TOP-SECRET-TITLE" not in page


def test_the_worker_moves_what_a_suspension_left_a_batch_a_round(worker_app, make, monkeypatch):
    from tisc.services import suspension

    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 1)
    monkeypatch.setattr(suspension, "BATCH", 2)
    monkeypatch.setattr(schedule, "JOBS", [])  # the daily sweep would move them all
    inventor, staff = make.user("inventor"), make.user("staff", centre="kbtu")
    references = [make.request_in("submitted", inventor, staff) for _ in range(4)]
    client = worker_app.test_client()
    login(client, make.user("coordinator"))
    response = client.post("/office/centres/kbtu/suspend", data={"mode": "route", "text": "x"})
    response.close()  # a web process with a worker beside it leaves the rest to it
    kbtu = make.centre_id("kbtu")
    assert [make.row(r)["centre_id"] == kbtu for r in references] == [False, True, True, True]
    worker = Worker(worker_app, daily_seconds=10**9)
    assert [worker.run_once().moved for _ in range(3)] == [2, 1, None]
    assert not any(make.row(r)["centre_id"] == kbtu for r in references)
    assert not worker.run_once().busy


def test_the_worker_unassigns_what_a_deactivated_staff_member_still_holds(
    worker_app, make, monkeypatch
):
    from tisc.services import handover

    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 1)
    monkeypatch.setattr(schedule, "JOBS", [])
    inventor, leaver = make.user("inventor"), make.user("staff", centre="kbtu")
    held = [make.request_in("in_progress", inventor, leaver) for _ in range(3)]
    client = worker_app.test_client()
    login(client, make.user("coordinator"))
    response = client.post(
        f"/office/staff/{leaver.id}/active", data={"active": "0", "confirmed": "y"}
    )
    response.close()  # with a worker beside it, the web process leaves the rest to it
    assert [make.row(r)["assignee_id"] for r in held] == [None, leaver.id, leaver.id]
    worker = Worker(worker_app, daily_seconds=10**9)
    assert worker.run_once().unassigned == 2
    assert worker.run_once().unassigned is None
    assert [make.row(r)["assignee_id"] for r in held] == [None] * 3


def test_one_batch_job_failing_keeps_neither_the_other_nor_the_mail_from_running(
    worker_app, make, monkeypatch, caplog
):
    from tisc.services import handover, suspension

    def broken(policy):
        raise RuntimeError("database trouble")

    broken.__name__ = "move_more"
    monkeypatch.setattr(suspension, "move_more", broken)
    monkeypatch.setattr(handover, "UNASSIGNED_AT_ONCE", 0)
    inventor, leaver = make.user("inventor"), make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", inventor, leaver)
    client = worker_app.test_client()
    login(client, make.user("coordinator"))
    client.post(f"/office/staff/{leaver.id}/active", data={"active": "0", "confirmed": "y"})
    done = Worker(worker_app, daily_seconds=10**9).run_once()
    assert (done.moved, done.unassigned) == (None, 1)
    assert make.row(reference)["assignee_id"] is None
    assert "move_more failed" in caplog.text


def test_two_workers_send_each_message_once(worker_app, make):
    for _ in range(12):
        make.request(make.user("inventor"))  # twelve receipts
    sent: list[str] = []
    lock = threading.Lock()

    def record(message):
        with lock:
            sent.append(message.recipients[0])

    mail.send, original = record, mail.send
    try:
        workers = [Worker(worker_app, daily_seconds=10**9) for _ in range(2)]
        threads = [threading.Thread(target=w.run_once) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        mail.send = original
    assert len(sent) == 12 and len(set(sent)) == 12


def test_two_workers_with_a_backlog_take_a_whole_batch_each(worker_app, make, monkeypatch):
    """Both look at once, and both find mail due: the batch is chosen inside each one's
    write, so the second takes the next messages, not the same ones again (and, having a
    whole batch, goes on at once)."""
    monkeypatch.setattr(delivery, "BATCH", 6)
    for _ in range(12):
        make.request(make.user("inventor"))  # twelve receipts
    both_looked = threading.Barrier(2, timeout=10)
    real_claimed = delivery._claimed

    def claimed(*args):
        both_looked.wait()
        return real_claimed(*args)

    monkeypatch.setattr(delivery, "_claimed", claimed)
    monkeypatch.setattr(mail, "send", lambda message: None)
    rounds = []
    workers = [Worker(worker_app, daily_seconds=10**9) for _ in range(2)]
    threads = [threading.Thread(target=lambda w=w: rounds.append(w.run_once())) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((done.sent, done.busy) for done in rounds) == [(6, True), (6, True)]


def test_without_a_mail_server_a_batch_costs_the_same_statements_whatever_its_size(clean, make):
    inventor = make.user("inventor")
    counts = []
    for receipts in (2, 12):
        for _ in range(receipts):
            make.request(inventor)
        with clean.app_context(), statements(db.engine) as seen:
            report = delivery.deliver()
        assert report.kept == receipts
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_with_a_mail_server_each_message_costs_the_same_statements(worker_app, make, monkeypatch):
    """Each is held before and recorded after its send: a fixed cost a message."""
    monkeypatch.setattr(mail, "send", lambda message: None)
    inventor = make.user("inventor")
    counts = []
    for receipts in (1, 2, 12):
        for _ in range(receipts):
            make.request(inventor)
        with worker_app.app_context(), statements(db.engine) as seen:
            report = delivery.deliver()
        assert report.sent == receipts
        counts.append(len(seen))
    assert counts[2] - counts[1] == 10 * (counts[1] - counts[0])


def test_a_notice_to_a_centres_staff_is_rendered_once_per_language(worker_app, make, monkeypatch):
    staff = [make.user("staff", centre="kbtu", locale=locale) for locale in ("kk", "kk", "ru")]
    inventor = make.user("inventor", locale="en")
    sent, rendered = [], []
    monkeypatch.setattr(mail, "send", sent.append)
    delivery_in(worker_app)  # the colleagues told of each other
    sent.clear()
    make.request(inventor)
    real_render = delivery.render

    def render(message):
        rendered.append(message.kind)
        real_render(message)

    monkeypatch.setattr(delivery, "render", render)
    assert delivery_in(worker_app).sent == 4
    assert sorted(rendered) == ["new_request", "new_request", "request_received"]
    to = {message.recipients[0]: message for message in sent}
    first, second, third = (to[person.email] for person in staff)
    assert (first.subject, first.body, first.html) == (second.subject, second.body, second.html)
    assert first.subject != third.subject  # in Russian
    with worker_app.app_context():
        kept = db.session.execute(
            sa.select(OutboxMessage.to_address, OutboxMessage.locale, OutboxMessage.subject)
            .where(OutboxMessage.kind == "new_request")
        ).all()  # fmt: skip
    assert sorted(kept) == sorted(
        (person.email, locale, to[person.email].subject)
        for person, locale in zip(staff, ("kk", "kk", "ru"), strict=True)
    )


def test_a_round_with_nothing_to_do_writes_nothing(worker_app, make, monkeypatch):
    """On SQLite one writer goes at a time: a worker looking every round must not queue for
    the turn when no mail is due and no suspension or handover is unfinished."""
    make.request(make.user("inventor"))
    monkeypatch.setattr(mail, "send", lambda message: None)
    worker = Worker(worker_app, daily_seconds=10**9)
    assert worker.run_once().sent == 1
    with worker_app.app_context(), statements(db.engine) as seen:
        done = worker.run_once()
    assert (done.sent, done.moved, done.unassigned) == (0, None, None)
    assert seen, "the round looked"
    writes = re.compile(r"^\s*(BEGIN IMMEDIATE|INSERT|UPDATE|DELETE)|FOR UPDATE", re.I)
    assert [s for s in seen if writes.search(s)] == []


def test_a_round_ends_its_reads_with_a_commit_on_postgresql(worker_app, database):
    """psycopg drops its prepared statements at a rollback (``database.end_read``)."""
    if not database.startswith("postgresql"):
        return  # SQLite keeps them either way
    worker = Worker(worker_app, daily_seconds=10**9)
    worker.run_once()  # the daily jobs
    ended = []
    with worker_app.app_context():
        for name in ("commit", "rollback"):
            listener = partial(lambda name, connection: ended.append(name), name)
            event.listen(db.engine, name, listener)
    worker.run_once()
    assert ended == ["commit"]


def test_after_a_part_batch_the_worker_waits_after_a_whole_one_it_goes_on(
    worker_app, make, monkeypatch
):
    monkeypatch.setattr(mail, "send", lambda message: None)
    monkeypatch.setattr(delivery, "BATCH", 2)
    for _ in range(3):
        make.request(make.user("inventor"))
    worker = Worker(worker_app, daily_seconds=10**9)
    first, second = worker.run_once(), worker.run_once()
    assert (first.sent, first.busy) == (2, True)
    assert (second.sent, second.busy) == (1, False)


def test_a_message_that_cannot_be_rendered_fails_alone(worker_app, make, monkeypatch):
    for _ in range(3):
        make.request(make.user("inventor"))
    monkeypatch.setattr(mail, "send", lambda message: None)
    with worker_app.app_context():
        broken = db.session.scalar(sa.select(sa.func.min(OutboxMessage.id)))
    real_render = delivery.render

    def render(message):
        if message.id == broken:
            raise ValueError("a template is broken")
        real_render(message)

    monkeypatch.setattr(delivery, "render", render)
    report = delivery_in(worker_app)
    assert (report.sent, report.failed) == (2, 1)
    assert deliveries(worker_app) == [
        ("request_received", Delivery.FAILED, 1),
        ("request_received", Delivery.SENT, 1),
        ("request_received", Delivery.SENT, 1),
    ]
    with worker_app.app_context():
        failed = db.session.get(OutboxMessage, broken)
        assert failed.last_error == "ValueError: a template is broken"
        assert failed.subject is None  # rendered when it is tried again


def test_rendering_holds_no_write_lock(worker_app, make, monkeypatch, database):
    """A submission may write while the worker renders a batch (SQLite: one writer)."""
    if not database.startswith("sqlite"):
        return  # PostgreSQL's writers lock rows, not the database
    make.request(make.user("inventor"))
    monkeypatch.setattr(mail, "send", lambda message: None)
    real_render = delivery.render
    path = database.removeprefix("sqlite:///")
    written = []

    def render(message):
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" if the worker held it
            other.execute("ROLLBACK")
            written.append(message.id)
        finally:
            other.close()
        real_render(message)

    monkeypatch.setattr(delivery, "render", render)
    assert delivery_in(worker_app).sent == 1
    assert len(written) == 1


def delivery_in(app) -> delivery.DeliveryReport:
    with app.app_context():
        return delivery.deliver()


def test_a_batch_is_chosen_once_whatever_the_plan(worker_app, make):
    """On PostgreSQL a subquery with LIMIT … FOR UPDATE SKIP LOCKED inside the UPDATE may be
    run again for each row, each time skipping what another worker locked meanwhile: one
    claim then took two batches. Chosen once, in a materialized CTE, it cannot."""
    make.request(make.user("inventor"))
    with worker_app.app_context():
        with statements(db.engine, with_parameters=True) as sent:
            delivery._claimed(False, 6, utcnow())
        statement, parameters = next((s, p) for s, p in sent if "UPDATE" in s)
        assert statement.lstrip().startswith("WITH batch AS MATERIALIZED")
        if db.engine.dialect.name != "postgresql":
            return  # SQLite runs one writer at a time: nothing is skipped
        with db.engine.connect() as connection:
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            )
    locking = plan.index("LockRows")
    assert plan.index("CTE batch") < locking < plan.index("CTE Scan on batch"), plan

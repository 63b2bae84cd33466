"""Submitting a request: validation, routing, references, due dates, files."""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories import PDF, PNG
from tisc.domain.errors import Invalid, Refused
from tisc.domain.references import parse_reference
from tisc.extensions import db
from tisc.models import QueueCount, RequestEvent, RequestFile, ServiceRequest, User
from tisc.services import requests
from tisc.services.files import Upload


def draft(**changes) -> requests.Draft:
    values = dict(
        service="prior_art_search", title="Жылу сақтайтын кірпіш",
        description="Құпия өнертабыс: ә ғ қ ң ө ұ ү һ і", region_code="KZ-75",
        preferred_language="kk", confidentiality_ack=True,
        send_anyway=True,  # the same title again and again: past the similar-request warning
    ) | changes  # fmt: skip
    return requests.Draft(**values)


def submit(app, person, **changes) -> str:
    """Submit as ``person``; the new reference."""
    with app.app_context():
        user = db.session.get(User, person.id)
        return requests.submit(user, draft(**changes), app.extensions["tisc.policy"]).reference


def test_a_request_in_almaty_goes_to_kbtu_in_its_region(make):
    inventor = make.user()
    with make.app.app_context():
        service_request = requests.submit(db.session.get(User, inventor.id), draft(), make.policy)
        assert service_request.centre.slug == "kbtu"
        assert service_request.routing_rule == "in_region"
        assert service_request.status == "submitted"
        assert service_request.title == "Жылу сақтайтын кірпіш"
        assert service_request.description.endswith("ә ғ қ ң ө ұ ү һ і")
        events = db.session.scalars(sa.select(RequestEvent)).all()
        assert [(e.action, e.to_status, e.to_centre_id) for e in events] == [
            ("submit", "submitted", service_request.centre_id)
        ]


def test_a_region_without_a_centre_goes_to_the_nearest_with_the_distance(make):
    inventor = make.user()
    reference = make.request(inventor, region="KZ-11")  # Akmola, from Kokshetau
    row = make.row(reference)
    assert row["centre_id"] == make.centre_id("nazarbayev-university")
    assert row["routing_rule"] == "nearest"
    assert 240 < row["routing_distance_km"] < 300


def test_the_inventors_choice_of_centre_is_respected(make):
    inventor = make.user()
    reference = make.request(inventor, region="KZ-75", centre="karaganda-buketov")
    row = make.row(reference)
    assert row["centre_id"] == make.centre_id("karaganda-buketov")
    assert row["routing_rule"] == "preferred"


def test_the_due_date_counts_the_services_working_days(make):
    inventor = make.user()
    before = datetime.now(UTC)
    row = make.row(make.request(inventor, service="ip_consultation"))
    assert row["due_at"] == make.policy.due_at("ip_consultation", row["created_at"])
    assert (row["due_at"] - before).days >= 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"service": "astrology"}, "service"),
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"confidentiality_ack": False}, "confidentiality_ack"),
        ({"region_code": "KZ-99"}, "region_code"),
        ({"preferred_language": "de"}, "preferred_language"),
        ({"ipc_classes": "A61K 31/00; banana"}, "ipc_classes"),
        ({"service": "freedom_to_operate", "preferred_centre_id": 1}, "preferred_centre"),
        ({"files": [Upload("virus.exe", b"MZ\x90\x00" * 10)]}, "files"),
        ({"files": [Upload("empty.pdf", b"")]}, "files"),
        ({"files": [Upload(f"f{n}.pdf", PDF) for n in range(6)]}, "files"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(make, changes, field):
    inventor = make.user()
    if "preferred_centre_id" in changes:  # Atyrau does not offer FTO
        changes["preferred_centre_id"] = make.centre_id("atyrau-university")
    with pytest.raises(Invalid) as refusal:
        submit(make.app, inventor, **changes)
    assert refusal.value.field == field
    with make.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)) == 0
        assert db.session.scalar(sa.select(sa.func.sum(QueueCount.count))) in (None, 0)


def test_oversized_files_are_refused(make):
    inventor = make.user()
    big = PDF + b"0" * make.policy.upload_max_bytes
    with pytest.raises(Invalid) as refusal:
        submit(make.app, inventor, files=[Upload("big.pdf", big)])
    assert refusal.value.params["mb"] == 10


def test_staff_cannot_submit(make):
    staff = make.user("staff")
    with pytest.raises(Refused):
        submit(make.app, staff)


def test_files_are_stored_in_the_database_with_their_own_names(make):
    inventor = make.user()
    reference = make.request(
        inventor, files=[Upload("C:\\Users\\Әлия\\сызба.png", PNG), Upload("есеп.pdf", PDF)]
    )
    with make.app.app_context():
        files = db.session.scalars(sa.select(RequestFile).order_by(RequestFile.id)).all()
        assert [(f.filename, f.content_type) for f in files] == [
            ("сызба.png", "image/png"),
            ("есеп.pdf", "application/pdf"),
        ]
        assert files[1].content == PDF
        assert make.row(reference)["id"] == files[0].request_id


def test_references_are_sequential_per_year(make):
    inventor = make.user()
    numbers = [parse_reference(make.request(inventor))[1] for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_a_reference_carries_the_year_of_the_network_s_time_zone(make):
    """Half past midnight on 1 January in Almaty is still 31 December in UTC: the request is
    the new year's first, as every date shown and every figure counts it."""
    inventor = make.user()
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=make.policy.calendar.tz)
    with make.app.app_context():
        user = db.session.get(User, inventor.id)
        made = requests.submit(user, draft(), make.policy, now=new_year.astimezone(UTC))
        assert made.reference == "TISC-2027-00001"


def test_concurrent_submissions_get_unique_sequential_references(make):
    inventors = [make.user() for _ in range(6)]
    barrier = threading.Barrier(len(inventors))
    references, errors = [], []

    def work(person):
        barrier.wait()
        try:
            for _ in range(3):
                references.append(submit(make.app, person))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(p,)) for p in inventors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(parse_reference(r)[1] for r in references) == list(range(1, 19))


def test_queue_counts_follow_submissions(make):
    inventor = make.user()
    make.request(inventor)
    make.request(inventor)
    with make.app.app_context():
        count = db.session.scalar(
            sa.select(QueueCount.count).where(
                QueueCount.centre_id == make.centre_id("kbtu"), QueueCount.status == "submitted"
            )
        )
    assert count == 2


def test_routing_sees_each_centre_s_open_queue_and_every_network_change(make):
    from tisc.domain.catalogue import Service
    from tisc.services import centres

    def candidates() -> dict[int, int]:
        with make.app.app_context():
            found = centres.routing_candidates(Service.PRIOR_ART_SEARCH)
            return {c.centre_id: c.open_requests for c in found}

    kbtu = make.centre_id("kbtu")
    before = candidates()
    builds = centres._offering.builds
    make.request(make.user())  # routed in Almaty: to KBTU
    after = candidates()
    assert after[kbtu] == before[kbtu] + 1
    assert {k: v for k, v in after.items() if k != kbtu} == {
        k: v for k, v in before.items() if k != kbtu
    }
    assert centres._offering.builds == builds  # the network did not change: not sorted again
    new = make.centre("new-tisc", city="Almaty")
    assert new in candidates() and candidates()[new] == 0
    assert centres._offering.builds == builds + 1


def test_what_only_reads_is_done_before_the_write_transaction(make, monkeypatch):
    """On SQLite one writer goes at a time: the similar-request check and the routing run
    before ``BEGIN IMMEDIATE`` (on PostgreSQL, before the first write), and a submission
    held back as similar writes nothing and never begins one."""
    from tisc.services import centres, duplicates

    inventor = make.user()
    seen: list[str] = []

    def noting(name, function):
        def noted(*args, **kwargs):
            seen.append(name)
            return function(*args, **kwargs)

        return noted

    routing = centres.routing_candidates
    monkeypatch.setattr(duplicates, "similar_open", noting("similar", duplicates.similar_open))
    monkeypatch.setattr(centres, "routing_candidates", noting("routing", routing))

    def statement(conn, cursor, sql, *_):
        writes = sql.startswith(("BEGIN IMMEDIATE", "INSERT", "UPDATE", "DELETE"))
        seen.append("write" if writes else "sql")

    with make.app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", statement)
        try:
            submit(make.app, inventor)
            marks = [s for s in seen if s != "sql"]
            assert marks[: marks.index("write") + 1] == ["similar", "routing", "write"]
            seen.clear()
            with pytest.raises(duplicates.SimilarOpen):  # the same title again
                submit(make.app, inventor, send_anyway=False)
            assert "similar" in seen and "write" not in seen
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", statement)

"""Centres keep their own page (every change recorded), suspending a centre never strands
its requests, and staff keep their saved replies."""

from dataclasses import replace

import pytest
import sqlalchemy as sa

from tests.mail import outbox
from tests.sql import statements
from tisc.cli import tisc_cli
from tisc.domain.errors import Invalid, NotFound, Refused
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.models import (
    AuditEntry,
    Centre,
    CentreSuspension,
    FigureCount,
    QueueCount,
    RequestEvent,
    ServiceRequest,
    User,
)
from tisc.services import accounts, centres, figures, replies, suspension


@pytest.fixture
def people(make):
    return {
        "inventor": make.user("inventor", locale="kk"),
        "kbtu": make.user("staff", centre="kbtu"),
        "nu": make.user("staff", centre="nazarbayev-university"),
        "coordinator": make.user("coordinator"),
    }


def user(person) -> User:
    db.session.rollback()  # see what the use cases committed
    return db.session.get(User, person.id)


def centre(slug) -> Centre:
    db.session.rollback()
    return db.session.scalar(sa.select(Centre).where(Centre.slug == slug))


def request_row(reference) -> ServiceRequest:
    db.session.rollback()
    return db.session.scalar(sa.select(ServiceRequest).where(ServiceRequest.reference == reference))


# --- the centre's own page --------------------------------------------------------------


def test_staff_edit_their_centre_s_page_and_the_change_is_recorded(ctx, people):
    profile = centres.CentreProfile.of(centre("kbtu"))
    profile.opening_hours_kk = "Дс–Жм 10:00–17:00"
    profile.phone = "+7 727 357 42 42"
    profile.languages = ["kk", "ru"]
    centres.update_profile(user(people["kbtu"]), "kbtu", profile)
    saved = centre("kbtu")
    assert saved.opening_hours_kk == "Дс–Жм 10:00–17:00" and saved.languages == ["kk", "ru"]
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target == "centre:kbtu")
    ).all()
    assert (entry.action, entry.actor_id, entry.target) == (
        "centre.profile_updated", people["kbtu"].id, "centre:kbtu",
    )  # fmt: skip
    assert entry.before == {"opening_hours_kk": "Дс–Жм 09:00–18:00", "phone": "",
                            "languages": ["kk", "ru", "en"]}  # fmt: skip
    assert entry.after == {"opening_hours_kk": "Дс–Жм 10:00–17:00", "phone": "+7 727 357 42 42",
                           "languages": ["kk", "ru"]}  # fmt: skip
    (shown,) = centres.history("kbtu")
    assert shown.actor_name == user(people["kbtu"]).name


def test_saving_an_unchanged_page_records_nothing(ctx, people):
    centres.update_profile(user(people["kbtu"]), "kbtu", centres.CentreProfile.of(centre("kbtu")))
    assert centres.history("kbtu") == []


def test_staff_of_another_centre_or_the_coordinator_cannot_edit_it(ctx, people):
    for who in ("nu", "coordinator", "inventor"):
        profile = centres.CentreProfile.of(centre("kbtu"))
        profile.phone = "000"
        with pytest.raises(NotFound):
            centres.update_profile(user(people[who]), "kbtu", profile)
    assert centre("kbtu").phone == "" and centres.history("kbtu") == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "javascript:alert(1)"),
        ("website", "kbtu.edu.kz"),
        ("email", "not an address"),
        ("address_ru", "x" * 301),
        ("services", ["astrology"]),
        ("languages", ["de"]),
        ("services", []),  # out of routing without a word
        ("languages", []),
        ("phone", "not a phone <b>"),
        ("phone", "12"),
    ],
)
def test_bad_profile_input_names_the_field_and_changes_nothing(ctx, people, field, value):
    profile = centres.CentreProfile.of(centre("kbtu"))
    setattr(profile, field, value)
    with pytest.raises(Invalid) as refusal:
        centres.update_profile(user(people["kbtu"]), "kbtu", profile)
    assert refusal.value.field == field
    assert centres.history("kbtu") == []


@pytest.mark.parametrize(
    "phone", ["+7 (7212) 35-63-98, доб. 12", "+7 7212 35-63-56, +7 7212 35-63-57", "8 701 123 4567"]
)
def test_a_phone_number_written_as_people_do_is_kept(ctx, people, phone):
    profile = centres.CentreProfile.of(centre("kbtu"))
    profile.phone = phone
    centres.update_profile(user(people["kbtu"]), "kbtu", profile)
    assert centre("kbtu").phone == phone


def test_the_coordinator_s_edits_and_status_changes_are_recorded_too(make, ctx, people):
    kbtu = centre("kbtu")
    details = centres.CentreDetails(
        slug="kbtu", name_kk=kbtu.name_kk, name_ru=kbtu.name_ru, name_en="KBTU TISC",
        city_id=kbtu.city_id, lat=kbtu.lat, lon=kbtu.lon, status="active",
        services=[s.value for s in kbtu.services], languages=kbtu.languages,
        **{name: getattr(kbtu, name) for name in centres.PROFILE_TEXTS},
    )  # fmt: skip
    centres.update_centre("kbtu", details, by=user(people["coordinator"]))
    planned = make.centre("shymkent-tisc", city="Shymkent", status="planned")
    assert planned
    centres.set_status("shymkent-tisc", "active", by=user(people["coordinator"]))
    actions = [(e.action, e.after) for e in db.session.scalars(sa.select(AuditEntry))]
    assert ("centre.edited", {"name_en": "KBTU TISC"}) in actions
    assert ("centre.status_changed", {"status": "active"}) in actions


def test_a_planned_centre_without_a_service_is_not_made_active(make, ctx, people):
    """Reactivating took any status, though the centre's form refuses an active centre
    with no service: it would be listed and receive no requests."""
    make.centre("shymkent-tisc", city="Shymkent", status="planned", services=[])
    with pytest.raises(Refused) as refused:
        centres.set_status("shymkent-tisc", "active", by=user(people["coordinator"]))
    assert refused.value.message == centres.NO_SERVICE
    assert centre("shymkent-tisc").status == "planned"


# --- suspending a centre -------------------------------------------------------------------


def test_a_centre_with_open_requests_cannot_simply_be_stopped(make, ctx, people):
    make.request(people["inventor"])  # to KBTU
    with pytest.raises(Refused):
        centres.set_status("kbtu", "suspended", by=user(people["coordinator"]))
    with pytest.raises(Refused):
        centres.set_status("kbtu", "planned", by=user(people["coordinator"]))
    assert centre("kbtu").status == "active"


def office_details(**changes) -> centres.CentreDetails:
    """The coordinating office as the coordinator's form sends it (no kind: a centre's
    kind is set once), with ``changes``."""
    niip = centre("niip")
    details = centres.CentreDetails(
        slug="niip", name_kk=niip.name_kk, name_ru=niip.name_ru, name_en=niip.name_en,
        city_id=niip.city_id, lat=niip.lat, lon=niip.lon, status="active",
        **{name: getattr(niip, name) for name in centres.PROFILE_TEXTS},
    )  # fmt: skip
    return replace(details, **changes)


def test_the_coordinating_office_is_never_planned_or_suspended(make, ctx, people):
    coordinator = user(people["coordinator"])
    for status in ("suspended", "planned"):
        with pytest.raises(Refused) as refused:
            centres.set_status("niip", status, by=coordinator)
        assert refused.value.message == centres.ALWAYS_ACTIVE
        with pytest.raises(Invalid) as invalid:
            centres.update_centre("niip", office_details(status=status), by=coordinator)
        assert (invalid.value.field, invalid.value.message) == ("status", centres.ALWAYS_ACTIVE)
    with pytest.raises(Refused) as refused:
        suspension.suspend(coordinator, "niip", "", make.policy)
    assert refused.value.message == centres.ALWAYS_ACTIVE
    assert centre("niip").status == "active"
    assert not db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target == "centre:niip")
    ).all()
    assert not db.session.scalars(sa.select(CentreSuspension)).all()


def test_a_coordinating_office_is_created_active_and_one_stopped_before_can_be_reactivated(
    make, ctx, people
):
    with pytest.raises(Invalid) as invalid:
        centres.create_centre(
            office_details(slug="second-office", kind="coordinator", status="planned")
        )
    assert invalid.value.field == "status"
    assert (
        centres.create_centre(office_details(slug="second-office", kind="coordinator")).status
        == "active"
    )
    db.session.commit()
    db.session.execute(sa.update(Centre).where(Centre.slug == "niip").values(status="suspended"))
    db.session.commit()  # as an older version allowed
    centres.set_status("niip", "active", by=user(people["coordinator"]))
    assert centre("niip").status == "active"


def test_suspending_moves_each_open_request_to_routing_s_next_choice(make, ctx, people):
    inventor, staff = people["inventor"], people["kbtu"]
    open_one = make.request_in("in_progress", inventor, staff)
    waiting = make.request_in("awaiting_inventor", inventor, staff)
    done = make.request_in("completed", inventor, staff)
    plan = suspension.plan(centre("kbtu"))
    nearest = make.centre_id("karaganda-buketov")  # about 790 km from Almaty; Astana 970
    assert {move.reference: move.target_id for move in plan} == {
        open_one: nearest,
        waiting: nearest,
    }
    suspended = suspension.suspend(user(people["coordinator"]), "kbtu",
                                   "Центр закрыт на ремонт.", make.policy)  # fmt: skip
    assert suspended == suspension.Progress(moved=2, left=0, finished=True)
    assert centre("kbtu").status == "suspended"
    assert suspension.move_more(make.policy) is None  # nothing left for the worker
    for reference in (open_one, waiting):
        moved = request_row(reference)
        assert (moved.centre_id, moved.status, moved.assignee_id) == (nearest, "submitted", None)
        event = db.session.scalars(
            sa.select(RequestEvent).where(RequestEvent.request_id == moved.id)
            .order_by(RequestEvent.id.desc())
        ).first()  # fmt: skip
        assert (event.action, event.actor_id, event.text) == (
            Action.TRANSFER, people["coordinator"].id, "Центр закрыт на ремонт.",
        )  # fmt: skip
    assert request_row(done).centre_id == make.centre_id("kbtu")  # closed ones stay
    told = [m for m in outbox(make.app, kind="transferred") if m.request_id]
    assert len(told) == 2
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "centre.suspended"))
    assert entry.after == {"status": "suspended", "requests_moved": 2}


def test_a_centre_holding_many_requests_is_suspended_at_once_and_they_move_in_batches(
    make, ctx, people, monkeypatch
):
    """The office's request moves the first ones; the worker moves the rest, a batch per
    transaction, with the office's reason, to where routing sends them."""
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 2)
    inventor, staff = people["inventor"], people["kbtu"]
    references = [make.request_in("in_progress", inventor, staff) for _ in range(5)]
    done = suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    assert done == suspension.Progress(moved=2, left=3, finished=False)
    assert centre("kbtu").status == "suspended"  # at once: nothing new is routed to it
    kbtu, nearest = make.centre_id("kbtu"), make.centre_id("karaganda-buketov")
    assert [request_row(r).centre_id for r in references] == [nearest] * 2 + [kbtu] * 3
    assert suspension.progress(centre("kbtu")) == suspension.Progress(2, 3, False)
    assert suspension.move_more(make.policy, limit=2) == 2  # oldest first
    assert [request_row(r).centre_id for r in references] == [nearest] * 4 + [kbtu]
    assert suspension.move_more(make.policy, limit=2) == 1
    assert suspension.move_more(make.policy, limit=2) is None  # finished: nothing reads on
    assert suspension.progress(centre("kbtu")) == suspension.Progress(5, 0, True)
    last = db.session.scalars(
        sa.select(RequestEvent).where(RequestEvent.request_id == request_row(references[-1]).id)
        .order_by(RequestEvent.id.desc())
    ).first()  # fmt: skip
    assert (last.action, last.actor_id, last.text) == (
        Action.TRANSFER, people["coordinator"].id, "Closed.",
    )  # fmt: skip
    assert len([m for m in outbox(make.app, kind="transferred") if m.request_id]) == 5


def test_a_batch_of_moves_adds_to_the_figures_once_and_they_stay_right(
    make, ctx, people, monkeypatch
):
    """A batch's figure changes are summed and written in one upsert; the kept sums then
    equal the sums rebuilt from the requests."""
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    inventor, staff = people["inventor"], people["kbtu"]
    for status in ("submitted", "in_progress", "awaiting_inventor", "in_progress"):
        make.request_in(status, inventor, staff)
    make.request(inventor, service="patent_landscape", region="KZ-23", centre="kbtu")
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    with statements(db.engine) as seen:
        assert suspension.move_more(make.policy) == 5
    assert sum("INSERT INTO figure_counts" in statement for statement in seen) == 1
    # The batch's requests read whole in one statement, not one each.
    whole = "service_requests.title, service_requests.description"
    assert sum(whole in statement for statement in seen) == 1
    # The queue counters: each row changed once (kbtu's submitted, in progress and
    # awaiting rows, the two receiving centres' submitted rows), not twice per request.
    assert sum("INSERT INTO queue_counts" in statement for statement in seen) == 5
    db.session.rollback()
    counted = sa.select(ServiceRequest.centre_id, ServiceRequest.status, sa.func.count())
    assert {
        (row.centre_id, row.status): row.count
        for row in db.session.scalars(sa.select(QueueCount)) if row.count
    } == {
        (centre_id, status): n
        for centre_id, status, n in db.session.execute(counted.group_by(
            ServiceRequest.centre_id, ServiceRequest.status))
    }  # fmt: skip
    kept = kept_figures()
    db.session.execute(sa.update(ServiceRequest).values(turnaround_days=None))
    db.session.commit()
    figures.rebuild(make.policy)
    assert kept_figures() == kept


def kept_figures() -> list[tuple]:
    db.session.rollback()
    table = FigureCount.__table__
    return sorted(
        tuple(row) for row in db.session.execute(sa.select(table).where(table.c.value != 0))
    )


def test_the_moves_go_on_when_the_coordinator_who_began_them_is_deactivated(
    make, ctx, people, monkeypatch
):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    reference = make.request(people["inventor"])
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    other = make.user("coordinator")
    accounts.set_staff_active(people["coordinator"].id, False, by=user(other))
    assert suspension.move_all(make.policy) == 1
    moved = request_row(reference)
    assert moved.centre_id == make.centre_id("karaganda-buketov")
    event = db.session.scalars(
        sa.select(RequestEvent).where(RequestEvent.request_id == moved.id)
        .order_by(RequestEvent.id.desc())
    ).first()  # fmt: skip
    assert (event.action, event.actor_id, event.text) == (Action.TRANSFER, None, "Closed.")


def test_a_batch_moves_no_more_than_its_size_when_stranded_requests_can_move_again(
    make, ctx, people, monkeypatch
):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    inventor = people["inventor"]
    ftos = [make.request(inventor, service="freedom_to_operate") for _ in range(3)]
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    holders = list(db.session.scalars(sa.select(Centre).where(Centre.slug != "kbtu")))
    offered = {holder.id: list(holder.services) for holder in holders}
    for holder in holders:
        holder.services = [s for s in holder.services if s != "freedom_to_operate"]
    db.session.commit()
    assert suspension.move_more(make.policy, limit=1) == 0  # the first: nowhere to go
    assert suspension.move_more(make.policy, limit=1) == 0  # and the second
    for holder in db.session.scalars(sa.select(Centre).where(Centre.id.in_(offered))):
        holder.services = offered[holder.id]  # offered again
    db.session.commit()
    assert suspension.move_more(make.policy, limit=1) == 1  # reads 3, moves 1
    assert suspension.move_all(make.policy) == 2
    assert {request_row(r).centre_id for r in ftos} == {make.centre_id("nazarbayev-university")}


def test_the_worker_leaves_what_others_hold_for_later(make, ctx, people, monkeypatch, database):
    """PostgreSQL: a centre the office is changing is not waited for (that order of locks
    would deadlock with the office's), and a request someone holds is moved later; the
    suspension is finished only once it has."""
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    inventor = people["inventor"]
    held, free = make.request(inventor), make.request(inventor)
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    kbtu = make.centre_id("kbtu")
    if not database.startswith("postgresql"):
        return  # SQLite has one writer at a time: nothing is held while the worker writes
    with db.engine.connect() as office:
        office.execute(sa.text("SELECT id FROM centres WHERE id = :id FOR UPDATE"), {"id": kbtu})
        assert suspension.move_more(make.policy) is None
        office.rollback()
        office.execute(
            sa.text("SELECT id FROM service_requests WHERE id = :id FOR UPDATE"),
            {"id": request_row(held).id},
        )
        assert suspension.move_more(make.policy) == 1  # the free one
        assert suspension.move_more(make.policy) is None  # the held one: later
        assert (
            request_row(held).centre_id == kbtu and not suspension.progress(centre("kbtu")).finished
        )
        office.rollback()
    assert suspension.move_all(make.policy) == 1
    assert request_row(free).centre_id == request_row(held).centre_id != kbtu
    assert suspension.progress(centre("kbtu")).finished


def test_the_worker_moves_to_the_centre_the_office_chose(make, ctx, people, monkeypatch):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    inventor = people["inventor"]
    search = make.request(inventor)  # Atyrau offers prior-art searches
    landscape = make.request(inventor, service="patent_landscape")  # Atyrau does not
    atyrau = make.centre_id("atyrau-university")
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy, atyrau)
    assert request_row(search).centre_id == make.centre_id("kbtu")
    assert suspension.move_all(make.policy) == 2
    assert request_row(search).centre_id == atyrau
    assert request_row(landscape).centre_id == make.centre_id("nazarbayev-university")


def test_a_request_left_with_nowhere_to_go_stays_and_the_rest_still_move(
    make, ctx, people, monkeypatch
):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    inventor = people["inventor"]
    fto = make.request(inventor, service="freedom_to_operate")  # oldest: read again each batch
    searches = [make.request(inventor) for _ in range(3)]
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    for holder in db.session.scalars(sa.select(Centre).where(Centre.slug != "kbtu")):
        holder.services = [s for s in holder.services if s != "freedom_to_operate"]
    db.session.commit()
    assert suspension.move_more(make.policy, limit=1) == 0  # FTO has nowhere to go now
    for _ in searches:
        assert suspension.move_more(make.policy, limit=1) == 1  # each batch reads past it
    assert suspension.move_more(make.policy, limit=1) is None  # only it is left: finished
    assert request_row(fto).centre_id == make.centre_id("kbtu")
    assert {request_row(r).centre_id for r in searches} == {make.centre_id("karaganda-buketov")}
    assert suspension.progress(centre("kbtu")) == suspension.Progress(3, 1, True)


def test_reactivating_the_centre_stops_its_moves(make, ctx, people, monkeypatch):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 1)
    inventor, staff = people["inventor"], people["kbtu"]
    references = [make.request_in("submitted", inventor, staff) for _ in range(3)]
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    centres.set_status("kbtu", "active", by=user(people["coordinator"]))
    assert suspension.move_more(make.policy) == 0  # it notices, and ends the suspension
    assert suspension.move_more(make.policy) is None
    kbtu = make.centre_id("kbtu")
    assert [request_row(r).centre_id == kbtu for r in references] == [False, True, True]


def test_a_centre_reactivated_elsewhere_between_two_batches_keeps_its_requests(
    make, ctx, people, monkeypatch
):
    """The same session runs batch after batch (``tisc daily``, after a response): each
    reads the centre again, not the object an earlier batch left in the session."""
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    inventor, staff = people["inventor"], people["kbtu"]
    references = [make.request_in("submitted", inventor, staff) for _ in range(3)]
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    assert suspension.move_more(make.policy, limit=1) == 1
    with db.engine.begin() as office:  # another process reactivates it
        office.execute(sa.update(Centre).where(Centre.slug == "kbtu").values(status="active"))
    assert suspension.move_more(make.policy, limit=1) == 0  # ended
    assert suspension.move_all(make.policy) == 0
    kbtu = make.centre_id("kbtu")
    assert [request_row(r).centre_id == kbtu for r in references] == [False, True, True]


def test_a_suspended_centre_set_to_planned_still_sees_its_requests_move(
    make, ctx, people, monkeypatch
):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 0)
    reference = make.request(people["inventor"])
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    centres.set_status("kbtu", "planned", by=user(people["coordinator"]))
    assert suspension.move_all(make.policy) == 1
    assert request_row(reference).centre_id == make.centre_id("karaganda-buketov")


def test_suspending_again_moves_with_the_new_reason_only(make, ctx, people, monkeypatch):
    monkeypatch.setattr(suspension, "MOVED_IN_REQUEST", 1)
    inventor, staff = people["inventor"], people["kbtu"]
    for _ in range(3):
        make.request_in("submitted", inventor, staff)
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    centres.set_status("kbtu", "active", by=user(people["coordinator"]))
    again = suspension.suspend(user(people["coordinator"]), "kbtu", "Again.", make.policy)
    assert again == suspension.Progress(moved=1, left=1, finished=False)
    daily = make.app.test_cli_runner().invoke(tisc_cli, ["daily"])  # a deployment's cron
    assert "moved from suspended centres: 1" in daily.output, daily.output
    reasons = db.session.scalars(
        sa.select(RequestEvent.text).where(RequestEvent.action == Action.TRANSFER)
    ).all()
    assert sorted(reasons) == ["Again.", "Again.", "Closed."]
    assert suspension.progress(centre("kbtu")) == suspension.Progress(2, 0, True)


def test_each_request_goes_where_routing_sends_one_from_its_region(make, ctx, people):
    """Routing is decided once per service, region and language, not once per request:
    requests from two regions still go to their own region's choice."""
    inventor = people["inventor"]
    from_almaty = [make.request(inventor, region="KZ-75", centre="kbtu") for _ in "ab"]
    from_atyrau = make.request(inventor, region="KZ-23", centre="kbtu")
    targets = {move.reference: move.target_id for move in suspension.plan(centre("kbtu"))}
    assert targets == {
        from_almaty[0]: make.centre_id("karaganda-buketov"),
        from_almaty[1]: make.centre_id("karaganda-buketov"),
        from_atyrau: make.centre_id("atyrau-university"),  # in the inventor's region
    }


def test_requests_go_to_the_chosen_centre_where_it_offers_their_service(make, ctx, people):
    inventor = people["inventor"]
    search = make.request(inventor)  # prior-art search: Atyrau offers it
    landscape = make.request(inventor, service="patent_landscape")  # Atyrau does not
    atyrau = make.centre_id("atyrau-university")
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy, atyrau)
    assert request_row(search).centre_id == atyrau
    assert request_row(landscape).centre_id == make.centre_id("nazarbayev-university")


def test_only_an_active_tisc_offering_the_service_takes_a_request_for_it(make, ctx, people):
    """The check a submission makes inside its transaction, after routing on the cache."""
    from tisc.domain.catalogue import Service

    search, landscape = Service.PRIOR_ART_SEARCH, Service.PATENT_LANDSCAPE
    planned = make.centre("shymkent-tisc", city="Shymkent", status="planned")
    assert centres.takes_requests_for(make.centre_id("kbtu"), search)
    assert not centres.takes_requests_for(make.centre_id("atyrau-university"), landscape)
    assert not centres.takes_requests_for(planned, search)
    assert not centres.takes_requests_for(make.centre_id("niip"), Service.TRAINING)  # the office
    assert not centres.takes_requests_for(10**9, search)  # no such centre
    suspension.suspend(user(people["coordinator"]), "kbtu", "Closed.", make.policy)
    db.session.rollback()
    assert not centres.takes_requests_for(make.centre_id("kbtu"), search)


def test_a_request_with_nowhere_to_go_stops_the_suspension(make, ctx, people):
    make.centre("only-fto", city="Shymkent", services=("freedom_to_operate",))
    inventor = people["inventor"]
    reference = make.request(inventor, service="freedom_to_operate", centre="only-fto")
    make.request(inventor, service="freedom_to_operate", region="KZ-71")  # to NU, stays
    centre("kbtu")  # a fresh session
    holders = db.session.scalars(
        sa.select(Centre).where(Centre.slug.in_(["nazarbayev-university", "kbtu"]))
    )
    for holder in holders:  # they stop offering it
        holder.services = [s for s in holder.services if s != "freedom_to_operate"]
    db.session.commit()
    with pytest.raises(Invalid) as refusal:
        suspension.suspend(user(people["coordinator"]), "only-fto", "Closed.", make.policy)
    assert refusal.value.params == {"num": 1}
    assert centre("only-fto").status == "active"
    assert request_row(reference).centre_id == make.centre_id("only-fto")


def test_a_reason_is_needed_when_requests_move(make, ctx, people):
    make.request(people["inventor"])
    with pytest.raises(Invalid) as refusal:
        suspension.suspend(user(people["coordinator"]), "kbtu", "  ", make.policy)
    assert refusal.value.field == "text" and centre("kbtu").status == "active"


def test_only_the_coordinator_suspends(make, ctx, people):
    with pytest.raises(Refused):
        suspension.suspend(user(people["kbtu"]), "kbtu", "x", make.policy)
    assert centre("kbtu").status == "active"


# --- saved replies -------------------------------------------------------------------------


def test_saved_replies_belong_to_their_centre(ctx, people):
    mine = replies.create(
        user(people["kbtu"]),
        replies.ReplyDraft("Сұрақ", text_kk="Құрметті {name}, {reference}…", text_en="Dear {name}"),
    )
    assert [r.title for r in replies.for_centre(user(people["kbtu"]))] == ["Сұрақ"]
    assert replies.for_centre(user(people["nu"])) == []
    for who in ("nu", "inventor", "coordinator"):
        with pytest.raises(NotFound):
            replies.get_for(user(people[who]), mine.id)
        with pytest.raises(NotFound):
            replies.delete(user(people[who]), mine.id)
    saved = replies.for_centre(user(people["kbtu"]))
    filled = replies.filled(saved, "ru", {"name": "Әлия", "reference": "R"})
    assert [f.text for f in filled] == ["Құрметті Әлия, R…"]  # no Russian text: Kazakh next
    replies.delete(user(people["kbtu"]), mine.id)
    assert replies.for_centre(user(people["kbtu"])) == []


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (replies.ReplyDraft("", text_kk="x"), "title"),
        (replies.ReplyDraft("T" * 121, text_kk="x"), "title"),
        (replies.ReplyDraft("Title"), "text_kk"),
        (replies.ReplyDraft("Title", text_ru="x" * 10001), "text_ru"),
    ],
)
def test_a_bad_saved_reply_names_the_field(ctx, people, draft, field):
    with pytest.raises(Invalid) as refusal:
        replies.create(user(people["kbtu"]), draft)
    assert refusal.value.field == field
    assert replies.for_centre(user(people["kbtu"])) == []


def test_every_change_of_a_centres_status_is_in_its_record(ctx, make, people):
    """WIPO's report reads a centre's past statuses from the audit trail: creation, the
    office's edit, suspension and reactivation all say what the status became."""
    from tisc.domain.catalogue import CentreStatus
    from tisc.domain.membership import StatusChange

    make.centre("semey", city="Semey", status="planned")
    details = centres.CentreDetails(
        **{name: getattr(centre("semey"), name) for name in (
            "slug", "name_kk", "name_ru", "name_en", "city_id", "lat", "lon")},
        status="active", services=["prior_art_search"], languages=["kk"],
    )  # fmt: skip
    centres.update_centre("semey", details)
    suspension.suspend(user(people["coordinator"]), "semey", "", make.policy)
    centres.set_status("semey", CentreStatus.ACTIVE)
    db.session.rollback()
    [record] = [r for r in centres.records(make.policy.calendar.tz) if r.slug == "semey"]
    steps = [(change.before, change.after) for change in record.changes]
    assert steps == [(None, "planned"), ("planned", "active"), ("active", "suspended"),
                     ("suspended", "active")]  # fmt: skip
    assert all(isinstance(change, StatusChange) for change in record.changes)
    assert record.joined_on is None and record.status is CentreStatus.ACTIVE
    [kbtu] = [r for r in centres.records(make.policy.calendar.tz) if r.slug == "kbtu"]
    assert kbtu.changes == ()  # loaded from the data files: active since it was added

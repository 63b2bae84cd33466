"""Seeding synthetic but realistic data fast: bulk inserts, not the web path.

Requests are spread over three years, over every centre, service, region and
status, each with a timeline of several events; a few thousand inventors and
staff; one request with a long timeline; the counters the app keeps beside
the requests (queue counts, reference numbers) are filled to match.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from tisc.domain.catalogue import (
    CentreKind,
    CentreStatus,
    EventAudience,
    EventFormat,
    IpRight,
    Language,
    Outcome,
    PatentOffice,
    RequesterCategory,
    Role,
    Service,
)
from tisc.domain.policy import Policy
from tisc.domain.references import format_reference
from tisc.domain.routing import RoutingRule
from tisc.domain.workflow import OPEN_STATUSES, Action, Status, replay_clock
from tisc.extensions import db
from tisc.models import (
    Centre,
    CentreService,
    City,
    Filing,
    QueueCount,
    ReferenceCounter,
    Region,
    RequestEvent,
    ServiceRequest,
    TrainingEvent,
    User,
)
from tisc.services import figures

PASSWORD = "bench-password-2026"
# The new-request form as a bench inventor fills it (its title and CSRF token apart), past
# the similar-request warning: the inventor sends it anyway.
SUBMISSION = {
    "service": "prior_art_search", "description": "Синтетикалық сұрау.", "region_code": "KZ-75",
    "preferred_language": "kk", "confidentiality_ack": "y", "send_anyway": "y",
}  # fmt: skip
BATCH = 20_000
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# Of requests old enough to be closed: most completed. Recent ones are mostly open.
CLOSED_MIX = [
    (Status.COMPLETED, 0.78), (Status.DECLINED, 0.07), (Status.WITHDRAWN, 0.06),
    (Status.IN_PROGRESS, 0.04), (Status.ASSIGNED, 0.02), (Status.AWAITING_INVENTOR, 0.02),
    (Status.SUBMITTED, 0.01),
]  # fmt: skip
RECENT_MIX = [
    (Status.SUBMITTED, 0.25), (Status.ASSIGNED, 0.2), (Status.IN_PROGRESS, 0.3),
    (Status.AWAITING_INVENTOR, 0.1), (Status.COMPLETED, 0.1), (Status.DECLINED, 0.03),
    (Status.WITHDRAWN, 0.02),
]  # fmt: skip
# The events that bring a request to each status, after the submission.
PATHS = {
    Status.SUBMITTED: [],
    Status.ASSIGNED: [Action.ASSIGN],
    Status.IN_PROGRESS: [Action.ASSIGN, Action.START],
    Status.AWAITING_INVENTOR: [Action.ASSIGN, Action.START, Action.ASK],
    Status.COMPLETED: [Action.ASSIGN, Action.START, Action.ASK, Action.REPLY, Action.COMPLETE],
    Status.DECLINED: [Action.DECLINE],
    Status.WITHDRAWN: [Action.WITHDRAW],
}
STATUS_AFTER = {
    Action.ASSIGN: Status.ASSIGNED, Action.START: Status.IN_PROGRESS,
    Action.ASK: Status.AWAITING_INVENTOR, Action.REPLY: Status.IN_PROGRESS,
    Action.COMPLETE: Status.COMPLETED, Action.DECLINE: Status.DECLINED,
    Action.WITHDRAW: Status.WITHDRAWN,
}  # fmt: skip
WORDS = [
    "солнечный",
    "коллектор",
    "сушилка",
    "бетон",
    "полимер",
    "датчик",
    "алгоритм",
    "вакцина",
    "зерно",
    "фильтр",
    "күн",
    "панелі",
    "жылу",
    "сақтағыш",
    "құрылғы",
    "су",
    "тазарту",
    "battery",
    "membrane",
    "catalyst",
    "drone",
    "sensor",
]


@dataclass
class Seeded:
    centres: int
    requests: int
    events: int
    users: int
    staff_email: str  # staff of the busiest centre
    inventor_email: str  # an inventor with many requests
    coordinator_email: str
    long_timeline_reference: str
    typical_reference: str  # a request of the busiest centre with a typical timeline (5 events)


def _choose(rng: random.Random, mix) -> Status:
    return rng.choices([s for s, _ in mix], weights=[w for _, w in mix])[0]


def add_centres(
    rng: random.Random, count: int, cities: list[City] | None = None, prefix: str = "centre"
) -> None:
    """Top the network up to ``count`` TISCs, spread over the known cities."""
    have = db.session.scalar(
        sa.select(sa.func.count()).select_from(Centre).where(Centre.kind == CentreKind.TISC)
    )
    cities = cities or db.session.scalars(sa.select(City)).all()
    now = datetime.now(UTC)
    rows = []
    for n in range(have, count):
        city = rng.choice(cities)
        rows.append({
            "slug": f"{prefix}-{n}", "kind": CentreKind.TISC,
            "status": CentreStatus.PLANNED if n % 17 == 0 else CentreStatus.ACTIVE,
            "name_kk": f"{city.name_kk} ТИҚО {n}", "name_ru": f"ЦПТИ {city.name_ru} {n}",
            "name_en": f"{city.name_en} TISC {n}", "host_institution_en": f"University {n}",
            "host_institution_kk": "", "host_institution_ru": "",
            "city_id": city.id, "address_kk": "", "address_ru": "", "address_en": "",
            "lat": city.lat + rng.uniform(-0.3, 0.3),
            "lon": city.lon + rng.uniform(-0.3, 0.3), "phone": "", "email": "", "website": "",
            "opening_hours_en": "Mon–Fri 09:00–18:00", "opening_hours_kk": "Дс–Жм 09:00–18:00",
            "opening_hours_ru": "Пн–Пт 09:00–18:00", "languages": ["kk", "ru"],
            "description_kk": "", "description_ru": "", "description_en": "",
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    _insert(Centre, rows)
    new = db.session.scalars(sa.select(Centre.id).where(Centre.slug.like(f"{prefix}-%"))).all()
    services = list(Service)
    _insert(CentreService, [
        {"centre_id": centre_id, "service": service}
        for centre_id in new
        for service in rng.sample(services, rng.randint(3, len(services)))
    ])  # fmt: skip


def add_cities(rng: random.Random, count: int) -> list[City]:
    """Synthetic towns inside Kazakhstan's box, for coverage at scale."""
    regions = db.session.scalars(sa.select(Region.code)).all()
    _insert(City, [
        {"region_code": rng.choice(regions), "name_kk": f"Қала {n}", "name_ru": f"Город {n}",
         "name_en": f"Town {n}", "lat": rng.uniform(41.0, 55.0), "lon": rng.uniform(50.0, 85.0),
         "population": rng.randint(5_000, 120_000), "has_university": n % 4 == 0}
        for n in range(count)
    ])  # fmt: skip
    return db.session.scalars(sa.select(City)).all()


@contextmanager
def bulk_loading():
    """Load without the secondary indexes of the big tables, then build them once.

    On SQLite also skip fsync while loading: the bench database is disposable.
    """
    bind = db.session.get_bind()
    indexes = [*ServiceRequest.__table__.indexes, *RequestEvent.__table__.indexes]
    db.session.commit()
    if bind.dialect.name == "sqlite":
        db.session.close()
        bind.dispose()  # new connections get the pragmas below

        @sa.event.listens_for(bind, "connect")
        def _fast(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            dbapi_connection.execute("PRAGMA cache_size=-400000")

    for index in indexes:
        index.drop(bind)
    # The search index (migration b7d2c4e91a0f) is not among the models' indexes either.
    search_index = bind.dialect.name == "postgresql"
    if search_index:
        db.session.execute(sa.text("DROP INDEX ix_service_requests_search"))
        db.session.commit()
    try:
        yield
    finally:
        db.session.commit()
        # Partial indexes last, as migrations leave them (tisc.database.partial_indexes_last).
        for index in sorted(indexes, key=lambda index: "where" in index.info):
            index.create(bind)
        if search_index:
            db.session.execute(sa.text(
                "CREATE INDEX ix_service_requests_search ON service_requests "
                "USING gin (search_document)"
            ))  # fmt: skip
        db.session.commit()
        # On PostgreSQL settle the statistics and the visibility map (index-only scans),
        # as autovacuum keeps them in a database that has been running for a while.
        # SQLite gets none: the app never runs ANALYZE, and its queries are written for
        # a planner without statistics (tests/services/test_query_plans.py).
        if bind.dialect.name == "postgresql":
            with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


def seed(requests: int, centres: int = 20, inventors: int = 3000, seed_value: int = 7) -> Seeded:
    """Fill a migrated database that holds the reference data; returns what to log in as."""
    with bulk_loading():
        seeded = _seed(requests, centres, inventors, seed_value)
    figures.rebuild(Policy())  # the figures' sums, as the app keeps them
    return seeded


def _seed(requests: int, centres: int, inventors: int, seed_value: int) -> Seeded:
    rng = random.Random(seed_value)
    add_centres(rng, centres)
    centre_rows = db.session.execute(
        sa.select(Centre.id, Centre.slug).where(Centre.kind == CentreKind.TISC).order_by(Centre.id)
    ).all()
    centre_ids = [row.id for row in centre_rows]
    regions = db.session.scalars(sa.select(Region.code)).all()
    password_hash = generate_password_hash(PASSWORD, method="scrypt")

    users = [{"email": "coordinator@bench.kz", "name": "Bench Coordinator",
              "role": Role.COORDINATOR, "password_hash": password_hash}]  # fmt: skip
    for centre_id in centre_ids:
        for k in range(3):
            users.append({"email": f"staff{k}.{centre_id}@bench.kz", "name": f"Staff {k}",
                          "role": Role.STAFF, "centre_id": centre_id,
                          "password_hash": password_hash})  # fmt: skip
    categories = list(RequesterCategory)
    for n in range(inventors):
        users.append({"email": f"inventor{n}@bench.kz", "name": f"Өнертапқыш {n}",
                      "role": Role.INVENTOR, "password_hash": password_hash,
                      "requester_category": categories[n % len(categories)]})  # fmt: skip
    # Core executemany takes its columns from the first row: give every row all of them.
    # Every address is confirmed (staff by their invitation's link): API tokens need it.
    blank = {"active": True, "session_version": 1, "locale": "kk", "created_at": NOW,
             "muted_notifications": [], "centre_id": None, "email_verified_at": NOW,
             "requester_category": None}  # fmt: skip
    _insert(User, [blank | u for u in users])
    staff_by_centre: dict[int, list[int]] = {}
    for user_id, centre_id in db.session.execute(
        sa.select(User.id, User.centre_id).where(User.role == Role.STAFF)
    ):
        staff_by_centre.setdefault(centre_id, []).append(user_id)
    inventor_ids = db.session.scalars(sa.select(User.id).where(User.role == Role.INVENTOR)).all()

    # The busiest centre gets a fifth of the requests, the others share the rest.
    weights = [len(centre_ids) * 0.25] + [1.0] * (len(centre_ids) - 1)
    span = timedelta(days=3 * 365)
    numbers: dict[int, int] = {}
    counts: dict[tuple[int, Status], int] = {}
    request_rows, event_rows, filing_rows = [], [], []
    events = 0
    policy = Policy()
    for n in range(requests):
        created = NOW - span * (rng.random() ** 1.3)  # more recent than old
        recent = NOW - created < timedelta(days=60)
        status = _choose(rng, RECENT_MIX if recent else CLOSED_MIX)
        centre_id = rng.choices(centre_ids, weights=weights)[0]
        staff = staff_by_centre[centre_id]
        steps = PATHS[status]
        assignee = rng.choice(staff) if Action.ASSIGN in steps else None
        # Inventor 0 is the bench's inventor: about 0.1% of all requests.
        inventor = inventor_ids[0] if n % 1000 == 0 else rng.choice(inventor_ids)
        service = rng.choice(list(Service))
        year = created.year
        numbers[year] = numbers.get(year, 0) + 1
        due = created + timedelta(days=rng.choice([7, 21, 28, 42, 63]))
        closed = None
        moments = _moments(rng, created, len(steps))
        if status not in OPEN_STATUSES:
            closed = moments[-1] if moments else created + timedelta(days=1)
        request_id = n + 1
        done = status is Status.COMPLETED
        clock = (
            replay_clock(created, list(zip(moments, _statuses(steps), strict=True)), policy)
            if done
            else None
        )
        if done and rng.random() < 0.05:
            filing_rows.append({
                "request_id": request_id, "ip_right": rng.choice(list(IpRight)),
                "office": rng.choice(list(PatentOffice)), "application_number": f"{year}/{n}.1",
                "filed_on": (closed + timedelta(days=rng.randint(20, 200))).date(),
                "reported_by_id": inventor, "created_at": closed,
            })  # fmt: skip
        request_rows.append({
            "id": request_id, "reference": format_reference(year, numbers[year]),
            "service": service, "title": " ".join(rng.sample(WORDS, 4)).capitalize(),
            "description": " ".join(rng.sample(WORDS, 12)), "technical_field": "",
            "keywords": "", "ipc_classes": "", "region_code": rng.choice(regions),
            "preferred_language": rng.choice(list(Language)), "preferred_centre_id": None,
            "confidentiality_ack": True, "status": status, "centre_id": centre_id,
            "assignee_id": assignee, "inventor_id": inventor,
            "routing_rule": rng.choice(list(RoutingRule)), "routing_distance_km": None,
            "created_at": created, "updated_at": moments[-1] if moments else created,
            "due_at": due, "closed_at": closed,
            "awaiting_since": moments[-1] if status is Status.AWAITING_INVENTOR else None,
            "outcome": rng.choice(list(Outcome)) if done else None,
            "outcome_summary": "Отчёт отправлен." if done else "",
            "hours_spent": round(rng.uniform(1, 40), 2) if done else None,
            "documents_cited": rng.randint(0, 30) if done else None,
            "rating": rng.randint(3, 5) if done and rng.random() < 0.4 else None,
            "rating_comment": "", "version": 1 + len(steps),
            "requester_category": categories[inventor % len(categories)]
            if rng.random() < 0.9 else None,
            "paused_seconds": clock.paused_seconds if clock else 0,
            "turnaround_days": clock.turnaround_days if clock else None,
        })  # fmt: skip
        counts[(centre_id, status)] = counts.get((centre_id, status), 0) + 1
        event_rows.append(_event(request_id, inventor, Action.SUBMIT, None, Status.SUBMITTED,
                                 created, to_centre=centre_id))  # fmt: skip
        previous = Status.SUBMITTED
        for action, moment in zip(steps, moments, strict=True):
            actor = (
                inventor if action in (Action.REPLY, Action.WITHDRAW) else (assignee or staff[0])
            )
            after = STATUS_AFTER[action]
            event_rows.append(_event(
                request_id, actor, action, previous, after, moment,
                assignee=assignee if action is Action.ASSIGN else None,
                text="Уточните, пожалуйста, область применения." if action is Action.ASK else "",
            ))  # fmt: skip
            previous = after
        events += 1 + len(steps)
        if len(request_rows) >= BATCH:
            _insert(ServiceRequest, request_rows)
            _insert(RequestEvent, event_rows)
            db.session.commit()
            request_rows, event_rows = [], []
    _insert(ServiceRequest, request_rows)
    _insert(RequestEvent, event_rows)
    _insert(Filing, [row for row in filing_rows if row["filed_on"] <= NOW.date()])
    _insert(TrainingEvent, [
        {"centre_id": centre_id, "title": f"Patent search seminar {k}",
         "held_on": (NOW - timedelta(days=k * 37 + centre_id)).date(),
         "format": rng.choice(list(EventFormat)), "language": rng.choice(list(Language)),
         "audience": rng.choice(list(EventAudience)),
         "participants": rng.randint(5, 80) if k >= 0 else None,
         "link": "", "created_by_id": staff_by_centre[centre_id][0], "created_at": NOW,
         "updated_at": NOW}
        for centre_id in centre_ids for k in range(-2, 30)
    ])  # fmt: skip

    # One open request of the busiest centre gets a long timeline of messages and notes.
    long_id = db.session.scalar(
        sa.select(ServiceRequest.id)
        .where(ServiceRequest.centre_id == centre_ids[0], ServiceRequest.closed_at.is_(None))
        .order_by(ServiceRequest.id)
        .limit(1)
    )
    long_reference = db.session.get(ServiceRequest, long_id).reference
    staff = staff_by_centre[centre_ids[0]]
    status = db.session.get(ServiceRequest, long_id).status
    _insert(RequestEvent, [
        _event(long_id, staff[0], Action.NOTE if i % 3 else Action.MESSAGE, status, status,
               NOW - timedelta(hours=200 - i), text=f"Ескертпе {i}: " + " ".join(WORDS[:8]),
               internal=bool(i % 3))
        for i in range(200)
    ])  # fmt: skip
    events += 200

    # Another one in progress gets two messages: submitted, assigned, started, two messages.
    typical_id = db.session.scalar(
        sa.select(ServiceRequest.id)
        .where(
            ServiceRequest.centre_id == centre_ids[0], ServiceRequest.status == Status.IN_PROGRESS
        )
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )
    typical = db.session.get(ServiceRequest, typical_id)
    _insert(RequestEvent, [
        _event(typical_id, typical.inventor_id if i else staff[0], Action.MESSAGE,
               Status.IN_PROGRESS, Status.IN_PROGRESS, NOW - timedelta(hours=2 - i),
               text="Хабарлама: " + " ".join(WORDS[i: i + 10]))
        for i in range(2)
    ])  # fmt: skip
    events += 2

    _insert(QueueCount, [
        {"centre_id": c, "status": s, "count": k} for (c, s), k in counts.items()
    ])  # fmt: skip
    _insert(ReferenceCounter, [{"year": y, "last": k} for y, k in numbers.items()])
    _fix_sequences()
    db.session.commit()
    return Seeded(
        centres=len(centre_ids), requests=requests, events=events, users=len(users),
        staff_email=f"staff0.{centre_ids[0]}@bench.kz", inventor_email="inventor0@bench.kz",
        coordinator_email="coordinator@bench.kz", long_timeline_reference=long_reference,
        typical_reference=typical.reference,
    )  # fmt: skip


def _moments(rng: random.Random, created: datetime, count: int) -> list[datetime]:
    """When each step happened: hours to weeks apart (turnarounds spread as real ones do),
    never after the bench's present."""
    moments, moment = [], created
    for _ in range(count):
        moment = min(moment + timedelta(hours=rng.expovariate(1 / 60)), NOW - timedelta(hours=1))
        moments.append(max(moment, created))
    return moments


def _statuses(steps: list[Action]) -> list[Status]:
    return [STATUS_AFTER[action] for action in steps]


def _event(request_id, actor, action, before, after, moment, *, to_centre=None, assignee=None,
           text="", internal=False) -> dict:  # fmt: skip
    return {
        "request_id": request_id, "actor_id": actor, "action": action, "created_at": moment,
        "from_status": before, "to_status": after, "from_centre_id": None,
        "to_centre_id": to_centre, "assignee_id": assignee, "text": text, "internal": internal,
    }  # fmt: skip


def _insert(model, rows: list[dict]) -> None:
    if not rows:
        return
    if (
        model in (ServiceRequest, RequestEvent)
        and db.session.get_bind().dialect.name == "postgresql"
    ):
        _copy(model.__table__, rows)
    else:
        db.session.execute(sa.insert(model.__table__), rows)


def _copy(table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY through psycopg 3: several times faster than INSERT for big tables."""
    columns = list(rows[0])
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_plain(row[column]) for column in columns])


def _plain(value):
    return value.value if isinstance(value, StrEnum) else value


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it past them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('service_requests', 'id'), "
            "(SELECT max(id) FROM service_requests))"
        ))  # fmt: skip

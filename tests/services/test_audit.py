"""Audit entries: who, what, when, from where, before → after."""

import sqlalchemy as sa

from tisc.domain.catalogue import Role
from tisc.extensions import db
from tisc.models import AuditEntry, User
from tisc.services import audit
from tisc.services.unit_of_work import use_case


def test_an_entry_keeps_only_what_changed_and_where_it_came_from(ctx, make):
    coordinator = make.user("coordinator")
    before, after = audit.changes(
        {"phone": "", "status": "active", "name": "KBTU"},
        {"phone": "+7 727 000", "status": "suspended", "name": "KBTU"},
    )
    token = audit.origin.set("203.0.113.9")
    try:
        use_case(audit.record)("centre.edited", coordinator.id, "centre:kbtu", before, after)
    finally:
        audit.origin.reset(token)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "centre.edited")
    ).one()
    assert (entry.action, entry.actor_id, entry.target) == (
        "centre.edited",
        coordinator.id,
        "centre:kbtu",
    )
    assert entry.before == {"phone": "", "status": "active"}
    assert entry.after == {"phone": "+7 727 000", "status": "suspended"}
    assert entry.origin == "203.0.113.9" and entry.at is not None


def test_the_accounts_of_an_export_s_many_entries_are_named_a_few_hundred_a_query(ctx, make):
    """An export reads up to 100,000 entries: their accounts are looked up in queries of
    a few hundred ids, within every database's limit of bound values (PostgreSQL takes
    65,535 at most)."""
    person = make.user(name="Aigerim Bekova")
    about = [f"user:{person.id}", *(f"user:{n}" for n in range(10**6, 10**6 + 70_000))]
    lines = [audit.Line(n, None, None, None, "account.signed_in", target, None, None, "")
             for n, target in enumerate(about)]  # fmt: skip
    assert audit.people_named(lines) == {f"user:{person.id}": "Aigerim Bekova"}


def test_who_finds_the_entries_of_more_people_than_a_statement_binds_values(ctx, make):
    """A part of an address ("@many.kz") may be held by every account: tens of thousands
    of ids, more than SQLite binds to one statement (32,766) or PostgreSQL (65,535). They
    reach the database as one value, and the page and the export find their entries.
    Nothing is committed: deleting 70,000 accounts afterwards checks each against every
    table that refers to users, and on PostgreSQL that took the suite's wipe minutes."""
    other = make.user(name="Dana", email="dana@tisc-test.kz")
    db.session.execute(sa.insert(User.__table__), [
        {"email": f"person{n}@many.kz", "name": f"Person {n}", "role": Role.INVENTOR}
        for n in range(70_000)
    ])  # fmt: skip
    many = db.session.scalars(sa.select(User.id).where(User.email.like("%@many.kz"))).all()
    for actor in (min(many), max(many), other.id):
        audit.record("account.signed_in", actor, f"user:{actor}")
    db.session.flush()
    lines, older = audit.page(audit.Filters(who="@MANY.kz"))
    assert {line.actor_email for line in lines} == {"person0@many.kz", "person69999@many.kz"}
    assert older is None
    assert len(audit.everything(audit.Filters(who="@many.kz"))) == 2
    assert len(audit.everything(audit.Filters(target="many.kz"))) == 2  # "user:…" targets
    db.session.rollback()


def test_on_what_is_a_kept_key_or_part_of_a_centre_s_or_a_person_s_name(ctx, make):
    person = make.user(name="Айгерім Бекова", email="a.bekova@kbtu.kz")
    assert audit.targets_matching("centre:kbtu") == ["centre:kbtu"]  # the key, as kept
    assert audit.targets_matching("office.csv") == ["office.csv"]
    assert audit.targets_matching("Қарағанды") == ["Қарағанды", "centre:karaganda-buketov"]
    assert audit.targets_matching("карагандинский") == [  # its Russian name
        "карагандинский", "centre:karaganda-buketov"]  # fmt: skip
    assert audit.targets_matching("BUKETOV") == ["BUKETOV", "centre:karaganda-buketov"]
    assert audit.targets_matching("kbtu") == ["kbtu", "centre:kbtu", f"user:{person.id}"]
    assert audit.targets_matching("айгерим") == ["айгерим", f"user:{person.id}"]
    assert audit.targets_matching("%") == ["%"]  # a character, not "anything"

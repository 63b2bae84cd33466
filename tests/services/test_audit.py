"""Audit entries: who, what, when, from where, before → after."""

import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import AuditEntry
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

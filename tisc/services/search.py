"""Finding requests: by reference, by their words, by their inventor - from the database's
own full-text index (SQLite FTS5, PostgreSQL ``tsvector``; see the migration
``b7d2c4e91a0f``), within what each person may see.

- Staff: references, and the words (title, keywords, technical field, IPC classes) and
  inventor (name, e-mail address) of their centre's requests.
- An inventor: references and words of their own requests.
- The national office: references only. It sees metadata and nothing else, and a
  search by words - IPC classes included, which tell what an invention is about -
  would tell it which requests contain them.

Descriptions, messages and notes are not indexed at all.

On SQLite a search considers the newest :data:`NEWEST` matches of the person's centre
(staff) or own requests (an inventor) - the list says so when there are more - and
words match by their first six letters at most (the index's longest prefix); on
PostgreSQL the GIN index answers any search whole.
"""

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tisc.domain.catalogue import Role
from tisc.domain.permissions import Actor, can_see_metadata
from tisc.domain.search import MAX_WORDS, SearchText, fts5_query, parse, tsquery
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services.access import content_filter

# SQLite: a search reads the newest matches of the person's scope from the index, at most
# this many, and the list's filters and order apply to those.
NEWEST = 500


@dataclass(frozen=True)
class Found:
    """A search as a condition on the requests; ``capped`` when only the newest
    :data:`NEWEST` matches were considered (SQLite)."""

    condition: sa.ColumnElement[bool]
    capped: bool = False
    # The list is read from the ids the index gave (SQLite), its other conditions checked
    # on those rows only: given a centre or a status, SQLite's planner would rather walk
    # the list's own index through thousands of rows than look up a thousand ids.
    by_ids: bool = False

    def apply(self, query: sa.Select, conditions: list) -> sa.Select:
        """``query`` narrowed to the search and the list's ``conditions``."""
        if not self.by_ids:
            return query.where(self.condition, *conditions)
        if not conditions:
            return query.where(self.condition)
        # No index can serve a condition inside CASE: only the ids' can be used.
        checked = sa.case((sa.and_(*conditions), sa.true()), else_=sa.false())
        return query.where(self.condition, checked)


def words_allowed(actor: Actor) -> bool:
    """Whether ``actor`` may search by words; everyone may search by reference."""
    return actor.role in (Role.STAFF, Role.INVENTOR)


def condition(actor: Actor, text: str | None, now: datetime) -> Found | None:
    """The requests matching ``text`` for ``actor`` (None: no search). The caller adds the
    condition to a list already limited to what ``actor`` may see."""
    wanted = parse(text, now.year)
    if not wanted:
        return None
    if wanted.references:
        return Found(ServiceRequest.reference.in_(wanted.references))
    if not words_allowed(actor):
        return Found(sa.false())
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgresql(wanted, actor)
    return _sqlite(wanted, actor)


def references_found(user: User, text: str | None, now: datetime) -> list[str]:
    """The requests ``text`` names by reference that ``user`` may open: staff and
    inventors their requests' pages, the national office any request's metadata."""
    wanted = parse(text, now.year)
    if not wanted.references:
        return []
    query = sa.select(ServiceRequest.reference).where(
        ServiceRequest.reference.in_(wanted.references)
    )
    if not can_see_metadata(user.actor):
        query = query.where(content_filter(user.actor))
    return list(db.session.scalars(query.order_by(ServiceRequest.reference.desc())))


def _postgresql(wanted: SearchText, actor: Actor) -> Found:
    # PostgreSQL's parser cuts the text as it cut the documents (e-mail addresses whole,
    # IPC symbols as it reads them); the query is then a constant its planner can weigh.
    lexemes = db.session.scalars(
        sa.text(
            "SELECT lexeme FROM unnest(to_tsvector('simple', :text)) "
            "WHERE length(lexeme) > 1 LIMIT :most"
        ),
        {"text": wanted.text, "most": MAX_WORDS},
    ).all()
    if not lexemes:
        return Found(sa.false())
    query = tsquery(lexemes, "BC" if actor.role is Role.STAFF else "B")
    matches = "service_requests.search_document @@ to_tsquery('simple', :search_query)"
    return Found(sa.text(matches).bindparams(search_query=query))


def _sqlite(wanted: SearchText, actor: Actor) -> Found:
    staff = actor.role is Role.STAFF
    scope = f"c{actor.centre_id}" if staff else f"i{actor.user_id}"
    query = fts5_query(wanted.words, ("words", "people") if staff else ("words",), scope)
    # The ids as one JSON parameter: binding hundreds of parameters costs more than the
    # lookups themselves.
    newest = db.session.connection().exec_driver_sql(NEWEST_MATCHES, (query, NEWEST + 1)).all()
    if not newest:
        return Found(sa.false())
    ids = json.dumps([row[0] for row in newest[:NEWEST]])
    return Found(
        ServiceRequest.id.in_(sa.select(sa.column("value")).select_from(sa.func.json_each(ids))),
        capped=len(newest) > NEWEST,
        by_ids=True,
    )


NEWEST_MATCHES = (
    "SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid DESC LIMIT ?"
)

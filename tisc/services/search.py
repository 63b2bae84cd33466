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

A search considers at most the newest :data:`NEWEST` matches of the person's centre
(staff) or own requests (an inventor), and the list says so when there are more: on
SQLite always, words matching by their first six letters at most (the index's longest
prefix); on PostgreSQL when a word is rare, its matches read from the GIN index -
common words alone are checked row by row along the list's own order, all of them.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tisc.caching import Cache
from tisc.database import among
from tisc.domain.catalogue import Role
from tisc.domain.permissions import Actor, can_see_metadata
from tisc.domain.search import MAX_WORDS, SearchText, fold, fts5_query, parse, tsquery, weigh
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.services.access import content_filter

# SQLite: a search reads the newest matches of the person's scope from the index, at most
# this many, and the list's filters and order apply to those.
NEWEST = 500


@dataclass(frozen=True)
class Found:
    """A search as a condition on the requests; ``capped``: how many of its newest matches
    were considered, when there were more (:data:`NEWEST`), else 0."""

    condition: sa.ColumnElement[bool]
    capped: int = 0
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
    condition to a list already limited to what ``actor`` may see. A text that asks for
    nothing a search can find (``0``, one letter, ``1 2``) finds nothing: it is no reason
    to show the whole list as its result."""
    wanted = parse(text, now.year)
    if not wanted:
        return Found(sa.false()) if wanted.text else None
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
    # IPC symbols as it reads them), folded as they were.
    lexemes = db.session.scalars(
        sa.text(
            "SELECT lexeme FROM unnest(to_tsvector('simple', :text)) "
            "WHERE length(lexeme) > 1 LIMIT :most"
        ),
        {"text": fold(wanted.text), "most": MAX_WORDS},
    ).all()
    if not lexemes:
        return Found(sa.false())
    weights = "BC" if actor.role is Role.STAFF else "B"
    weighed = weigh(lexemes, _common_elements())
    common = [lexeme for lexeme in weighed if lexeme.common]
    rare = [lexeme for lexeme in weighed if not lexeme.common]
    if not rare:
        # Common words only: the list walks its own order, checking each row (see tsquery).
        return Found(_matching(tsquery(common, weights), "search_query"))
    # A rare word: its few matches in the person's scope from the GIN index first (the
    # newest NEWEST of them), any common words checked on those rows.
    # The scope as an expression (``+ 0``): checked on the index's few matches, rather
    # than intersected with the whole centre's entries of another index.
    scope = (ServiceRequest.centre_id + 0 == actor.centre_id if actor.role is Role.STAFF
             else ServiceRequest.inventor_id + 0 == actor.user_id)  # fmt: skip
    # OFFSET 0 keeps the matching apart from the ordering: PostgreSQL would otherwise walk
    # the whole table backwards by id, hoping to meet a rare word soon.
    found = (
        sa.select(ServiceRequest.id)
        .where(_matching(tsquery(rare, weights), "rare_query"), scope)
        .offset(0)
        .subquery()
    )
    newest = db.session.scalars(
        sa.select(found.c.id).order_by(found.c.id.desc()).limit(NEWEST + 1)
    ).all()
    if not newest:
        return Found(sa.false())
    found = among(db.session, ServiceRequest.id, newest[:NEWEST], sa.Integer)
    if common:
        found = sa.and_(found, _matching(tsquery(common, weights), "search_query"))
    return Found(found, capped=NEWEST if len(newest) > NEWEST else 0)


def _matching(query: str, name: str) -> sa.TextClause:
    return sa.text(f"service_requests.search_document @@ to_tsquery('simple', :{name})").bindparams(
        sa.bindparam(name, query)
    )


# PostgreSQL's statistics of the search column: its most common lexemes and their
# shares, read again every few minutes (they change only when the table is analysed).
_elements: Cache[dict[str, float]] = Cache(size=1, seconds=600)


def _common_elements() -> dict[str, float]:
    return _elements.get("search_document", _read_common_elements)


def _read_common_elements() -> dict[str, float]:
    row = db.session.execute(sa.text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE tablename = 'service_requests' AND attname = 'search_document'"
    )).first()  # fmt: skip
    if row is None or row[0] is None:
        return {}
    return dict(zip(row[0], row[1], strict=False))  # the frequencies carry three more


def _sqlite(wanted: SearchText, actor: Actor) -> Found:
    staff = actor.role is Role.STAFF
    scope = f"c{actor.centre_id}" if staff else f"i{actor.user_id}"
    query = fts5_query(wanted.words, ("words", "people") if staff else ("words",), scope)
    newest = db.session.connection().exec_driver_sql(NEWEST_MATCHES, (query, NEWEST + 1)).all()
    if not newest:
        return Found(sa.false())
    ids = [row[0] for row in newest[:NEWEST]]
    return Found(
        among(db.session, ServiceRequest.id, ids, sa.Integer),
        capped=NEWEST if len(newest) > NEWEST else 0,
        by_ids=True,
    )


NEWEST_MATCHES = (
    "SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid DESC LIMIT ?"
)

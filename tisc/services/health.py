"""Whether this process can serve: the database answers and its schema is the code's.

Read without Alembic, which web workers never load: the code's heads are the
revisions of ``migrations/versions`` that no other revision names as its
parent, and the database's are the rows of ``alembic_version``.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from tisc.extensions import db

_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_PARENT = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)
_NAME = re.compile(r"['\"]([^'\"]+)['\"]")


@dataclass(frozen=True)
class Readiness:
    database: str  # "ok" | "unreachable"
    migrations: str  # "current" | "behind" | "unknown"

    @property
    def ready(self) -> bool:
        return self.database == "ok" and self.migrations == "current"


@cache
def expected_heads(directory: str) -> frozenset[str]:
    """The revisions the code's migrations end in (read once per process)."""
    revisions, parents = set(), set()
    for path in Path(directory, "versions").glob("*.py"):
        text = path.read_text()
        if found := _REVISION.search(text):
            revisions.add(found[1])
        if parent := _PARENT.search(text):
            parents.update(_NAME.findall(parent[1]))
    return frozenset(revisions - parents)


def readiness(migrations_directory: str) -> Readiness:
    """Ask the database; never raises for a database that is down or locked."""
    try:
        with db.engine.connect() as connection:
            current = set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except sa.exc.SQLAlchemyError:
        return Readiness("unreachable", "unknown")
    behind = current != set(expected_heads(migrations_directory))
    return Readiness("ok", "behind" if behind else "current")

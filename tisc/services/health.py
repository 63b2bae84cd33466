"""Whether this process can serve: the database answers and its schema is the code's."""

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from tisc.extensions import db


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
    from alembic.script import ScriptDirectory  # Alembic only where it is asked for

    return frozenset(ScriptDirectory(directory).get_heads())


def readiness(migrations_directory: str) -> Readiness:
    """Ask the database; never raises for a database that is down or locked."""
    from alembic.runtime.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError:
        return Readiness("unreachable", "unknown")
    behind = current != set(expected_heads(migrations_directory))
    return Readiness("ok", "behind" if behind else "current")

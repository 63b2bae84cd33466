"""Partial indexes are declared once, with their condition on both databases wherever
migrations are made, and a web worker on SQLite never loads SQLAlchemy's PostgreSQL dialect
for them (some 3 MB)."""

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import settings_for
from tisc.database import partial_indexes_last
from tisc.models import Base

ROOT = Path(__file__).resolve().parents[2]
SQLITE = {"unread": "unread = 1"}

# A process of its own, as a web worker is: it serves visitors' pages and says which
# PostgreSQL modules it has loaded; then it binds the migrations, as `flask db migrate` does,
# and writes each partial index as each database would make it - what a migration generated
# from the models makes, whichever database the developer's application uses.
APPLICATION = """
import json, sys
from sqlalchemy.schema import CreateIndex
from tisc import create_app
from tisc.extensions import bind_migrations
from tisc.models import Base
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
statuses = [client.get(page).status_code for page in ("/", "/centres", "/map", "/login")]
loaded = sorted(m for m in sys.modules if "postgres" in m)
bind_migrations(app)
from sqlalchemy.dialects import postgresql, sqlite
made = {index.name: [index.info["where"]] + [str(CreateIndex(index).compile(dialect=d))
                                             for d in (sqlite.dialect(), postgresql.dialect())]
        for table in Base.metadata.tables.values() for index in table.indexes
        if "where" in index.info}
print(json.dumps({"statuses": statuses, "loaded": loaded, "made": made}))
"""


def test_partial_indexes_have_their_condition_and_sqlite_loads_no_postgresql(app, database):
    done = subprocess.run(
        [sys.executable, "-c", APPLICATION, json.dumps(settings_for(database))],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [200, 200, 200, 200]
    made = result["made"]
    assert len(made) == 10
    for where, on_sqlite, on_postgresql in made.values():
        # SQLite's queries write a Boolean column as "= 1", and so must its index.
        assert on_sqlite.endswith(f"WHERE {SQLITE.get(where, where)}"), on_sqlite
        assert on_postgresql.endswith(f"WHERE {where}"), on_postgresql
    if database.startswith("sqlite"):
        assert result["loaded"] == []


def test_partial_indexes_are_moved_after_the_full_ones_sqlite_would_take_instead():
    """SQLite without statistics takes the index created last of two that cost the same."""
    engine = sa.create_engine("sqlite://")
    query = "SELECT id FROM t WHERE closed IS NULL AND centre = 1 ORDER BY due, id LIMIT 5"
    with engine.begin() as connection:
        for statement in (
            "CREATE TABLE t (id INTEGER PRIMARY KEY, centre INT, due TEXT, closed TEXT)",
            "CREATE INDEX ix_open_by_due ON t (centre, due, id) WHERE closed IS NULL",
            "CREATE INDEX ix_open_by_centre ON t (centre) WHERE closed IS NULL",
            "CREATE INDEX ix_centre_due ON t (centre, due, id)",
            "CREATE INDEX ix_closed ON t (closed)",
            "CREATE INDEX ix_open_since ON t (due) WHERE closed IS NULL",  # already after
        ):
            connection.exec_driver_sql(statement)

        def plan() -> str:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + query).all()
            return " ".join(row[-1] for row in rows)

        assert "ix_centre_due" in plan()
        assert partial_indexes_last(connection) == ["ix_open_by_due", "ix_open_by_centre"]
        assert "ix_open_by_due" in plan()
        assert partial_indexes_last(connection) == []  # nothing left to move
        indexes = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY rowid"
        ).scalars()
        assert list(indexes) == [
            "ix_centre_due",
            "ix_closed",
            "ix_open_since",
            "ix_open_by_due",
            "ix_open_by_centre",
        ]


def test_no_partial_index_of_sqlite_has_a_bare_boolean_for_its_condition():
    """SQLAlchemy writes a Boolean column ``b`` as ``b = 1`` on SQLite, and a partial index
    serves only queries with its own condition: ``WHERE b`` would never be used."""
    booleans = {
        column.name
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.Boolean)
    }
    conditions = [
        str(index.dialect_options["sqlite"]["where"]).strip()
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if index.dialect_options["sqlite"]["where"] is not None
    ]
    assert "unread = 1" in conditions
    assert not [condition for condition in conditions if condition in booleans]

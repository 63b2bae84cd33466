"""Partial indexes are declared once, with their condition on both databases, and an
application on SQLite never loads SQLAlchemy's PostgreSQL dialect for them (some 3 MB more
in every web worker)."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import settings_for

ROOT = Path(__file__).resolve().parents[2]

# A process of its own, as a web worker or `flask db migrate` is: it serves visitors'
# pages, then writes each partial index as its database would make it (what a migration
# generated from the models would say), and which PostgreSQL modules it has loaded.
APPLICATION = """
import json, sys
from sqlalchemy.schema import CreateIndex
from tisc import create_app
from tisc.extensions import db
from tisc.models import Base
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
statuses = [client.get(page).status_code for page in ("/", "/centres", "/map", "/login")]
loaded = sorted(m for m in sys.modules if "postgres" in m)
with app.app_context():
    made = {index.name: [index.info["where"],
                         str(CreateIndex(index).compile(dialect=db.engine.dialect))]
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
    assert len(made) == 8
    assert all(ddl.endswith(f"WHERE {where}") for where, ddl in made.values()), made
    if database.startswith("sqlite"):
        assert result["loaded"] == []

"""Partial indexes are declared once, with their condition on both databases wherever
migrations are made, and a web worker on SQLite never loads SQLAlchemy's PostgreSQL dialect
for them (some 3 MB)."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import settings_for

ROOT = Path(__file__).resolve().parents[2]

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
    assert len(made) == 8
    for where, *ddl in made.values():
        assert [text.endswith(f"WHERE {where}") for text in ddl] == [True, True], ddl
    if database.startswith("sqlite"):
        assert result["loaded"] == []

"""The framework's own limit on this machine: a minimal Flask + SQLAlchemy app.

It renders a 50-row Jinja table from the same database the product uses, and
serves a static file; the product's figures are reported as ratios to these.
Run as ``gunicorn bench.baseline:app`` with ``DATABASE_URL`` set.
"""

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy

TABLE = """<!doctype html><html><head><title>Requests</title></head><body><table>
<tr><th>Reference</th><th>Title</th><th>Status</th><th>Due</th></tr>
{% for row in rows %}<tr><td>{{ row.reference }}</td><td>{{ row.title }}</td>
<td>{{ row.status }}</td><td>{{ row.due_at }}</td></tr>{% endfor %}
</table></body></html>"""

app = Flask(__name__, static_folder=str(Path(__file__).resolve().parent.parent / "static"))
# The same database the product uses (psycopg 3 for PostgreSQL), without importing the product.
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"].replace(
    "postgresql://", "postgresql+psycopg://", 1
)
db = SQLAlchemy(app)


@app.route("/table")
def table():
    rows = db.session.execute(
        sa.text(
            "SELECT reference, title, status, due_at FROM service_requests "
            "ORDER BY id DESC LIMIT 50"
        )
    ).all()
    return render_template_string(TABLE, rows=rows)

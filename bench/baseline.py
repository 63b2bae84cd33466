"""The framework's own limit on this machine: a minimal Flask + Flask-SQLAlchemy app.

Each job the product does has its like-for-like floor here, on the same
database: a 50-row Jinja table (a list), a request with its timeline (a
detail page), a form POST with CSRF that inserts a row and redirects (a
create), and a static file. The product's figures are reported as ratios to
these. Run as ``gunicorn bench.baseline:app`` with ``DATABASE_URL`` set.
"""

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, abort, redirect, render_template_string, request
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf

TABLE = """<!doctype html><html><head><title>Requests</title></head><body><table>
<tr><th>Reference</th><th>Title</th><th>Status</th><th>Due</th></tr>
{% for row in rows %}<tr><td>{{ row.reference }}</td><td>{{ row.title }}</td>
<td>{{ row.status }}</td><td>{{ row.due_at }}</td></tr>{% endfor %}
</table></body></html>"""

DETAIL = """<!doctype html><html><head><title>{{ item.reference }}</title></head><body>
<h1>{{ item.title }}</h1><p>{{ item.reference }} · {{ item.status }} · {{ item.due_at }}</p>
<div>{{ item.description }}</div><ol>
{% for event in events %}<li>{{ event.action }} · {{ event.created_at }}
<div>{{ event.text }}</div></li>{% endfor %}</ol></body></html>"""

FORM = """<!doctype html><html><body><form method="post">
<input name="csrf_token" type="hidden" value="{{ token }}">
<input name="title"><button>Create</button></form></body></html>"""

app = Flask(__name__, static_folder=str(Path(__file__).resolve().parent.parent / "static"))
# The same database the product uses (psycopg 3 for PostgreSQL), without importing the product.
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"].replace(
    "postgresql://", "postgresql+psycopg://", 1
)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "baseline")
db = SQLAlchemy(app)
CSRFProtect(app)
notes = sa.Table(
    "baseline_notes",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(200)),
)
with app.app_context():
    notes.create(db.engine, checkfirst=True)


@app.route("/table")
def table():
    rows = db.session.execute(
        sa.text(
            "SELECT reference, title, status, due_at FROM service_requests "
            "ORDER BY id DESC LIMIT 50"
        )
    ).all()
    return render_template_string(TABLE, rows=rows)


@app.route("/detail/<reference>")
def detail(reference: str):
    item = db.session.execute(
        sa.text(
            "SELECT id, reference, title, description, status, due_at FROM service_requests "
            "WHERE reference = :reference"
        ),
        {"reference": reference},
    ).first()
    if item is None:
        abort(404)
    events = db.session.execute(
        sa.text(
            "SELECT action, created_at, text FROM request_events WHERE request_id = :id ORDER BY id"
        ),
        {"id": item.id},
    ).all()
    return render_template_string(DETAIL, item=item, events=events)


@app.route("/create", methods=["GET", "POST"])
def create():
    if request.method == "GET":
        return render_template_string(FORM, token=generate_csrf())
    title = request.form.get("title", "").strip()
    if not title:
        abort(400)
    db.session.execute(notes.insert().values(title=title))
    db.session.commit()
    return redirect("/create", 302)

"""The framework's own limit on this machine: a minimal Flask + Flask-SQLAlchemy app.

Each job the product does has its like-for-like floor here, on the same
database: a 50-row Jinja table (a list), a request with its timeline (a
detail page), a form POST with CSRF that inserts a row and redirects (a
create), a sign-in that checks a person's password hash with Werkzeug's own
function (scrypt, as the product's) and redirects, and a static file. The
product's figures are reported as ratios to these. Run as
``gunicorn bench.baseline:app`` with ``DATABASE_URL`` set.
"""

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, abort, redirect, render_template_string, request, session
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf
from werkzeug.security import check_password_hash

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

LOGIN = """<!doctype html><html><body><form method="post">
<input name="csrf_token" type="hidden" value="{{ token }}">
<input name="email"><input name="password" type="password"><button>Sign in</button>
</form></body></html>"""

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
    try:
        notes.create(db.engine, checkfirst=True)
    except sa.exc.DatabaseError:
        # Both workers import this at once on a fresh database: between one's check and
        # its CREATE the other may have made the table. Only a missing table is an error.
        if not sa.inspect(db.engine).has_table(notes.name):
            raise


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


@app.route("/login", methods=["GET", "POST"])
def login():
    """The product's people, signed in: their password hash read and checked, the session
    marked, a redirect."""
    if request.method == "GET":
        return render_template_string(LOGIN, token=generate_csrf())
    person = db.session.execute(
        sa.text("SELECT id, password_hash FROM users WHERE email = :email"),
        {"email": request.form.get("email", "")},
    ).first()
    if person is None or not check_password_hash(
        person.password_hash, request.form.get("password", "")
    ):
        abort(403)
    session["user_id"] = person.id
    return redirect("/table", 302)

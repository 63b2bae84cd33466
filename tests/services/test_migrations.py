"""The migrations build exactly the schema the models declare: every schema change has one."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tisc.database import managed_by_models
from tisc.extensions import db
from tisc.models import Base


def test_migrations_build_the_schema_the_models_declare(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": managed_by_models}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_application_numbers_become_filings_and_keep_the_outcome(tmp_path):
    """Requests recorded before filings were records of their own keep what they said."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from tests.conftest import settings_for
    from tisc import create_app
    from tisc.extensions import bind_migrations
    from tisc.services import datasets

    app = create_app(settings_for(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    bind_migrations(app)
    with app.app_context():
        upgrade(revision="55d65cff5a5d")
        datasets.load_reference_data()
        now = "2026-03-02 10:00:00"
        with db.engine.begin() as connection:
            centre = connection.scalar(sa.text("SELECT id FROM centres WHERE slug = 'kbtu'"))
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, name, role, active, session_version, created_at,"
                    " muted_notifications) VALUES (1, 'a@b.kz', 'A', 'inventor', 1, 1, :now, '[]')"
                ),
                {"now": now},
            )
            for number, outcome, reference in [
                ("2025/0101.1", "prior_art_found", "TISC-2026-00001"),
                ("", "application_filed", "TISC-2026-00002"),
                ("", "advice_given", "TISC-2026-00003"),
            ]:
                connection.execute(sa.text(
                    "INSERT INTO service_requests (reference, service, title, description,"
                    " technical_field, keywords, ipc_classes, region_code, preferred_language,"
                    " confidentiality_ack, status, centre_id, inventor_id, routing_rule,"
                    " created_at, updated_at, due_at, closed_at, outcome, outcome_summary,"
                    " application_number, rating_comment, version) VALUES (:reference,"
                    " 'prior_art_search', 'T', 'D', '', '', '', 'KZ-75', 'kk', 1, 'completed',"
                    " :centre, 1, 'preferred', :now, :now, :now, :now, :outcome, 'S', :number,"
                    " '', 1)"
                ), {"reference": reference, "centre": centre, "now": now, "outcome": outcome,
                    "number": number})  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            filings = connection.execute(sa.text(
                "SELECT r.reference, r.outcome, f.ip_right, f.office, f.application_number,"
                " f.filed_on FROM filings f JOIN service_requests r ON r.id = f.request_id"
                " ORDER BY r.reference"
            )).all()  # fmt: skip
        assert [tuple(row) for row in filings] == [
            ("TISC-2026-00001", "prior_art_found", "patent", "kazpatent", "2025/0101.1",
             "2026-03-02"),
            ("TISC-2026-00002", "application_filed", "patent", "kazpatent", "", "2026-03-02"),
        ]  # fmt: skip
        downgrade(revision="55d65cff5a5d")
        with db.engine.connect() as connection:
            numbers = connection.execute(sa.text(
                "SELECT application_number FROM service_requests ORDER BY reference"
            )).scalars().all()  # fmt: skip
        assert numbers == ["2025/0101.1", "", ""]
        db.engine.dispose()


def test_staff_made_on_the_command_line_before_count_as_confirmed(tmp_path):
    """Tokens need a confirmed address now: staff and coordinators made with a password on
    the command line before that rule count as confirmed; an inventor, or staff invited who
    have not chosen a password yet, do not."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tests.conftest import settings_for
    from tisc import create_app
    from tisc.extensions import bind_migrations
    from tisc.models import User

    app = create_app(settings_for(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    bind_migrations(app)
    with app.app_context():
        upgrade(revision="9c1d4e7f2a60")
        with db.engine.begin() as connection:
            for number, role, password in [
                (1, "coordinator", "hash"), (2, "staff", "hash"), (3, "staff", None),
                (4, "inventor", "hash"),
            ]:  # fmt: skip
                connection.execute(
                    sa.text(
                        "INSERT INTO users (id, email, name, role, active, session_version,"
                        " created_at, muted_notifications, password_hash) VALUES (:id, :email,"
                        " 'A', :role, 1, 1, '2026-03-02 10:00:00', '[]', :password)"
                    ),
                    {"id": number, "email": f"{number}@b.kz", "role": role, "password": password},
                )
        upgrade()
        confirmed = {
            user.id: user.email_verified_at is not None
            for user in db.session.scalars(sa.select(User))
        }
        assert confirmed == {1: True, 2: True, 3: False, 4: False}
        db.session.remove()
        db.engine.dispose()

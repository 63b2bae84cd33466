"""How a request's transaction ends (tisc.database.end_read): on PostgreSQL with a COMMIT
when it only read, which keeps psycopg's prepared statements; with a ROLLBACK when it may
have written anything it did not commit itself, and always on SQLite."""

import pytest
import sqlalchemy as sa

from tests.factories import login
from tisc.database import end_read
from tisc.extensions import db
from tisc.models import User
from tisc.services.unit_of_work import use_case


def _ends(app) -> list[str]:
    """How each transaction on the engine ended, in order."""
    ended = []
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "commit", lambda _connection: ended.append("commit"))
    sa.event.listen(engine, "rollback", lambda _connection: ended.append("rollback"))
    return ended


def test_a_context_that_only_read_ends_with_a_commit_on_postgresql(clean, make):
    make.user(name="Reader")
    ended = _ends(clean)
    with clean.app_context():
        assert db.session.scalar(sa.select(User.name).where(User.name == "Reader"))
        db.session.execute(sa.text("SELECT count(*) FROM users")).scalar()
        postgresql = db.engine.dialect.name == "postgresql"
    assert ended == (["commit"] if postgresql else ["rollback"])


def _core_update(user_id):
    db.session.execute(sa.update(User).where(User.id == user_id).values(name="Changed"))


def _text_update(user_id):
    db.session.execute(sa.text("UPDATE users SET name = 'Changed' WHERE id = :id"), {"id": user_id})


def _flushed_change(user_id):
    db.session.get(User, user_id).name = "Changed"
    db.session.scalar(sa.select(sa.func.count(User.id)))  # autoflush sends the UPDATE


def _unsaved_change(user_id):
    db.session.get(User, user_id).name = "Changed"


@pytest.mark.parametrize("change", [_core_update, _text_update, _flushed_change, _unsaved_change])
def test_what_a_context_changed_without_committing_is_rolled_back(clean, make, change):
    user = make.user(name="Unchanged")
    ended = _ends(clean)
    with clean.app_context():
        change(user.id)
    assert "commit" not in ended
    with clean.app_context():
        assert db.session.get(User, user.id).name == "Unchanged"


def test_a_read_that_failed_is_rolled_back_even_when_the_error_was_handled(clean, make):
    """A page that shows its own message for a database error still ends its transaction
    with a rollback, which makes psycopg drop prepared statements a schema change made
    stale."""
    make.user()
    ended = _ends(clean)
    with clean.app_context():
        db.session.scalar(sa.select(sa.func.count(User.id)))
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text("SELECT * FROM no_such_table"))
    assert "commit" not in ended


def test_a_request_that_failed_is_rolled_back_whatever_it_did(clean, make):
    user = make.user(name="Unchanged")
    ended = _ends(clean)
    with pytest.raises(RuntimeError), clean.app_context():
        db.session.get(User, user.id)
        raise RuntimeError("the view failed")
    assert "commit" not in ended


def test_on_postgresql_a_read_only_page_commits_and_keeps_prepared_statements(clean, make):
    client = clean.test_client()
    login(client, make.user())
    with clean.app_context():
        db.engine.dispose()  # one connection from here on, the pages' and the count's
    ended = _ends(clean)
    for _ in range(7):  # psycopg prepares a statement at its sixth use on a connection
        assert client.get("/requests").status_code == 200
    with clean.app_context():
        if db.engine.dialect.name == "postgresql":  # a ROLLBACK would have discarded them
            assert ended == ["commit"] * 7
            assert db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))
        else:
            assert ended == ["rollback"] * 7


def test_a_read_whose_commit_fails_leaves_it_to_the_rollback(ctx, caplog):
    """The response is made by then: a connection lost meanwhile is logged, not raised."""
    session = db.session()
    session.scalar(sa.select(sa.func.count(User.id)))

    def lost():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    session.commit = lost
    end_read(session)  # on SQLite it does not try
    tried = db.engine.dialect.name == "postgresql"
    assert ("could not end a read-only transaction" in caplog.text) == tried
    del session.commit
    session.rollback()


def _began():
    """When the transaction began, on PostgreSQL (None on SQLite)."""
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(sa.text("SELECT transaction_timestamp()"))
    return None


@use_case
def _rename(user_id: int, name: str):
    """Rename the user; when the transaction it wrote in began (:func:`_began`)."""
    db.session.get(User, user_id).name = name
    db.session.flush()
    return _began()


def test_a_use_case_after_reads_goes_on_in_their_transaction_on_postgresql(clean, make):
    """On PostgreSQL the reads' transaction becomes the write transaction (no COMMIT, ping,
    BEGIN and re-read between them); SQLite commits it and begins one that takes the write
    lock first (BEGIN IMMEDIATE)."""
    user = make.user(name="Before")
    ended = _ends(clean)
    with clean.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        reader = db.session.get(User, user.id)
        reads_began = _began()
        assert _rename(reader.id, "After") == reads_began
    assert ended == (["commit"] if postgresql else ["commit", "commit"])
    with clean.app_context():
        assert db.session.get(User, user.id).name == "After"


def test_a_use_case_after_a_failed_read_starts_a_transaction_of_its_own(clean, make):
    """PostgreSQL refuses every statement of a transaction in which one failed."""
    user = make.user(name="Before")
    with clean.app_context():
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text("SELECT * FROM no_such_table"))
        _rename(user.id, "After")
    with clean.app_context():
        assert db.session.get(User, user.id).name == "After"

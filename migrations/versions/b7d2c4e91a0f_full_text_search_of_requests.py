"""full-text search of requests, kept by the database itself

What people remember of a request - its title, keywords, technical field and IPC
classes, and its inventor's name and e-mail address - indexed for search:

- SQLite: an FTS5 table ``request_search`` (rowid = the request's id; columns
  ``scope`` - tokens ``c<centre id>`` and ``i<inventor id>``, so that a search starts
  within what the person may see -, ``words`` and ``people``), tokenised by
  ``unicode61`` (case folded in every script, diacritics removed), with prefix
  indexes of 2 to 6 characters so that a word typed in part is found without
  merging every word it starts.
- PostgreSQL: a ``tsvector`` column ``service_requests.search_document`` in the
  ``simple`` configuration (no stemming: three languages), words weighted B and
  people C, with a GIN index.

Triggers keep them in step with every change of a request (inserts by any path,
bulk loads included) and of an inventor's name or address, in the same
transaction; existing rows are indexed here. Neither is declared in the models:
``tisc.database.managed_by_models`` keeps them out of schema comparisons.

A later migration that rebuilds ``service_requests`` or ``users`` on SQLite (batch
mode's copy-and-move) drops these triggers with the old table: it must create them
again (the search tests fail otherwise).

Revision ID: b7d2c4e91a0f
Revises: 5eb4a8b29e1a
Create Date: 2026-12-02 03:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d2c4e91a0f'
down_revision = '5eb4a8b29e1a'
branch_labels = None
depends_on = None

# --- SQLite ----------------------------------------------------------------------------------

SQLITE_SCOPE = "'c' || new.centre_id || ' i' || new.inventor_id"
SQLITE_WORDS = "new.title || ' ' || new.keywords || ' ' || new.technical_field || ' ' || new.ipc_classes"
SQLITE_PEOPLE = "(SELECT name || ' ' || email FROM users WHERE id = new.inventor_id)"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE request_search USING fts5(scope, words, people, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')",
    f"""CREATE TRIGGER request_search_insert AFTER INSERT ON service_requests BEGIN
        INSERT INTO request_search (rowid, scope, words, people)
        VALUES (new.id, {SQLITE_SCOPE}, {SQLITE_WORDS}, {SQLITE_PEOPLE});
    END""",
    f"""CREATE TRIGGER request_search_update
        AFTER UPDATE OF title, keywords, technical_field, ipc_classes, inventor_id, centre_id
        ON service_requests BEGIN
        UPDATE request_search
        SET scope = {SQLITE_SCOPE}, words = {SQLITE_WORDS}, people = {SQLITE_PEOPLE}
        WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER request_search_delete AFTER DELETE ON service_requests BEGIN
        DELETE FROM request_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER request_search_people AFTER UPDATE OF name, email ON users BEGIN
        UPDATE request_search SET people = new.name || ' ' || new.email
        WHERE rowid IN (SELECT id FROM service_requests WHERE inventor_id = new.id);
    END""",
    """INSERT INTO request_search (rowid, scope, words, people)
        SELECT r.id, 'c' || r.centre_id || ' i' || r.inventor_id, r.title || ' ' || r.keywords || ' ' || r.technical_field || ' '
                     || r.ipc_classes, u.name || ' ' || u.email
        FROM service_requests AS r JOIN users AS u ON u.id = r.inventor_id""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS request_search_people",
    "DROP TRIGGER IF EXISTS request_search_delete",
    "DROP TRIGGER IF EXISTS request_search_update",
    "DROP TRIGGER IF EXISTS request_search_insert",
    "DROP TABLE IF EXISTS request_search",
]

# --- PostgreSQL --------------------------------------------------------------------------------

POSTGRES_UP = [
    "ALTER TABLE service_requests ADD COLUMN search_document tsvector",
    # The address also in parts: the parser keeps an address whole, a person types a piece.
    """CREATE OR REPLACE FUNCTION request_search_document(
            title text, keywords text, technical_field text, ipc_classes text, inventor integer)
        RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('simple', concat_ws(' ', title, keywords,
                                                         technical_field, ipc_classes)), 'B')
            || setweight(to_tsvector('simple', coalesce((
                   SELECT concat_ws(' ', name, email, translate(email, '@.-_+', '     '))
                   FROM users WHERE id = inventor), '')), 'C')
    $$""",
    """CREATE OR REPLACE FUNCTION request_search_refresh() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_document := request_search_document(
                NEW.title, NEW.keywords, NEW.technical_field, NEW.ipc_classes, NEW.inventor_id);
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER request_search_refresh
        BEFORE INSERT OR UPDATE OF title, keywords, technical_field, ipc_classes, inventor_id
        ON service_requests FOR EACH ROW EXECUTE FUNCTION request_search_refresh()""",
    """CREATE OR REPLACE FUNCTION request_search_people() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE service_requests SET search_document = request_search_document(
                title, keywords, technical_field, ipc_classes, inventor_id)
            WHERE inventor_id = NEW.id;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER request_search_people AFTER UPDATE OF name, email ON users
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
        EXECUTE FUNCTION request_search_people()""",
    """UPDATE service_requests SET search_document = request_search_document(
            title, keywords, technical_field, ipc_classes, inventor_id)""",
    "CREATE INDEX ix_service_requests_search ON service_requests USING gin (search_document)",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS request_search_people ON users",
    "DROP TRIGGER IF EXISTS request_search_refresh ON service_requests",
    "DROP FUNCTION IF EXISTS request_search_people()",
    "DROP FUNCTION IF EXISTS request_search_refresh()",
    "DROP INDEX IF EXISTS ix_service_requests_search",
    "ALTER TABLE service_requests DROP COLUMN IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS request_search_document(text, text, text, text, integer)",
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    _run(POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade():
    _run(POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)

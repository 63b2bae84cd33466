"""Search folds ё into е and Kazakh letters into Russian ones

``Караганды`` finds ``Қарағанды``, ``елка`` finds ``ёлка``: the search documents are
written folded (this table of letters is ``tisc.domain.search``'s, which folds what
people type), and rebuilt here for the requests already there.

- SQLite: the FTS5 table's triggers write folded text; the table is made again from the
  rows (dropping it is faster than deleting a million entries), then optimised.
- PostgreSQL: ``request_search_document`` folds with ``translate``; the documents are
  written again, the GIN index built after them.

Revision ID: 4c8e1f7a2b95
Revises: b61e016f1058
Create Date: 2026-12-05 10:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4c8e1f7a2b95'
down_revision = 'b61e016f1058'
branch_labels = None
depends_on = None

# A copy of tisc.domain.search's table, as it was when this migration was written.
LETTERS = "ёәғқңөұүһіЁӘҒҚҢӨҰҮҺІ"
INTO = "еагкноуухиЕАГКНОУУХИ"


def _identity(expression: str) -> str:
    return expression


def _sqlite_folded(expression: str) -> str:
    for letter, into in zip(LETTERS, INTO):
        expression = f"replace({expression}, '{letter}', '{into}')"
    return expression


# --- SQLite ------------------------------------------------------------------------------


def _sqlite(fold) -> list[str]:
    scope = "'c' || new.centre_id || ' i' || new.inventor_id"
    words = fold("new.title || ' ' || new.keywords || ' ' || new.technical_field || ' ' || new.ipc_classes")
    people = fold("(SELECT name || ' ' || email FROM users WHERE id = new.inventor_id)")
    return [
        "DROP TRIGGER IF EXISTS request_search_people",
        "DROP TRIGGER IF EXISTS request_search_delete",
        "DROP TRIGGER IF EXISTS request_search_update",
        "DROP TRIGGER IF EXISTS request_search_insert",
        "DROP TABLE IF EXISTS request_search",
        "CREATE VIRTUAL TABLE request_search USING fts5(scope, words, people, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')",
        f"""CREATE TRIGGER request_search_insert AFTER INSERT ON service_requests BEGIN
            INSERT INTO request_search (rowid, scope, words, people)
            VALUES (new.id, {scope}, {words}, {people});
        END""",
        f"""CREATE TRIGGER request_search_update
            AFTER UPDATE OF title, keywords, technical_field, ipc_classes, inventor_id, centre_id
            ON service_requests BEGIN
            UPDATE request_search SET scope = {scope}, words = {words}, people = {people}
            WHERE rowid = new.id;
        END""",
        """CREATE TRIGGER request_search_delete AFTER DELETE ON service_requests BEGIN
            DELETE FROM request_search WHERE rowid = old.id;
        END""",
        f"""CREATE TRIGGER request_search_people AFTER UPDATE OF name, email ON users BEGIN
            UPDATE request_search SET people = {fold("new.name || ' ' || new.email")}
            WHERE rowid IN (SELECT id FROM service_requests WHERE inventor_id = new.id);
        END""",
        f"""INSERT INTO request_search (rowid, scope, words, people)
            SELECT new.id, {scope}, {words}, {fold("u.name || ' ' || u.email")}
            FROM service_requests AS new JOIN users AS u ON u.id = new.inventor_id""",
        # One b-tree from the bulk load's many segments: left as they are, every insert
        # afterwards merges some of them (a submission cost 45% more instructions).
        "INSERT INTO request_search (request_search) VALUES ('optimize')",
    ]


# --- PostgreSQL --------------------------------------------------------------------------


def _postgresql(fold: bool) -> list[str]:
    def folded(expression: str) -> str:
        return f"translate({expression}, '{LETTERS}', '{INTO}')" if fold else expression

    # The address also in parts: the parser keeps an address whole, a person types a piece.
    return [
        f"""CREATE OR REPLACE FUNCTION request_search_document(
                title text, keywords text, technical_field text, ipc_classes text, inventor integer)
            RETURNS tsvector LANGUAGE sql STABLE AS $$
            SELECT setweight(to_tsvector('simple', {folded(
                "concat_ws(' ', title, keywords, technical_field, ipc_classes)")}), 'B')
                || setweight(to_tsvector('simple', coalesce((
                       SELECT {folded("concat_ws(' ', name, email, translate(email, '@.-_+', '     '))")}
                       FROM users WHERE id = inventor), '')), 'C')
        $$""",
        "DROP INDEX IF EXISTS ix_service_requests_search",
        """UPDATE service_requests SET search_document = request_search_document(
                title, keywords, technical_field, ipc_classes, inventor_id)""",
        "CREATE INDEX ix_service_requests_search ON service_requests USING gin (search_document)",
    ]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    _run(_postgresql(fold=True) if postgresql else _sqlite(_sqlite_folded))


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    _run(_postgresql(fold=False) if postgresql else _sqlite(_identity))

"""SQLite's index of unread marks matches its queries

SQLAlchemy writes a Boolean column as ``unread = 1`` on SQLite, and SQLite uses a
partial index only when the query's condition is the index's own: the index made with
``WHERE unread`` was never used there, and the header's count of changed requests read
every mark a person ever had. PostgreSQL's index is right as it is.

Revision ID: 3e5b9c2a7d41
Revises: 7a4e2c9d1b36
Create Date: 2026-12-04 20:10:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e5b9c2a7d41'
down_revision = '7a4e2c9d1b36'
branch_labels = None
depends_on = None


def _index_where(condition):
    if op.get_context().dialect.name != 'sqlite':
        return
    op.drop_index('ix_request_reads_unread', table_name='request_reads')
    op.create_index('ix_request_reads_unread', 'request_reads', ['user_id', 'request_id'],
                    unique=False, sqlite_where=sa.text(condition))


def upgrade():
    _index_where('unread = 1')


def downgrade():
    _index_where('unread')

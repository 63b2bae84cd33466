"""open requests by assignee, in id order

Unassigning someone who left reads their oldest open requests, a batch at a time.
PostgreSQL's index of open requests by assignee did not give them in id order, so it
walked the primary key instead, past every request before them: 413 ms for a batch
of 25 on the million, and more for each batch. SQLite's index already ends in the row
id; PostgreSQL's now ends in ``id`` too.

Revision ID: 7a4e2c9d1b36
Revises: 25cbfebe652e
Create Date: 2026-12-04 14:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a4e2c9d1b36'
down_revision = '25cbfebe652e'
branch_labels = None
depends_on = None

OPEN = sa.text('closed_at IS NULL')


def upgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_service_requests_open_by_assignee', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_service_requests_open_by_assignee', ['assignee_id', 'id'], unique=False, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_service_requests_open_by_assignee', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_service_requests_open_by_assignee', ['assignee_id'], unique=False, sqlite_where=OPEN, postgresql_where=OPEN)

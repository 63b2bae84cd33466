"""open unassigned requests by centre

The desk's Unassigned tab counts a centre's open requests nobody holds (to 99). Without
an index of them, SQLite read the centre's whole history in its index of completions
(1.5 million more instructions for each desk page at 10,000 requests, and growing with
every request ever made); this one holds only the open requests nobody holds.

Revision ID: 9c1d4e7f2a60
Revises: d3a7f5c19e62
Create Date: 2026-12-05 17:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c1d4e7f2a60'
down_revision = 'd3a7f5c19e62'
branch_labels = None
depends_on = None

OPEN_UNASSIGNED = sa.text('closed_at IS NULL AND assignee_id IS NULL')


def upgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index('ix_service_requests_open_unassigned', ['centre_id', 'id'], unique=False, sqlite_where=OPEN_UNASSIGNED, postgresql_where=OPEN_UNASSIGNED)


def downgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_service_requests_open_unassigned', sqlite_where=OPEN_UNASSIGNED, postgresql_where=OPEN_UNASSIGNED)

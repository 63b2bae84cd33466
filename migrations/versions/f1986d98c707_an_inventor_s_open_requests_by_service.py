"""an inventor's open requests by service, for the similar-request check

Each submission compares the new request with the inventor's latest open ones for
the same service. PostgreSQL read every open request of the inventor from the last
90 days and sorted them (a bitmap scan of the inventor's index: 2-6 ms with a
thousand open); this partial index gives the latest first and stops at the
twentieth (0.1 ms).

Revision ID: f1986d98c707
Revises: c81f3a5d9e27
Create Date: 2026-12-04 00:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f1986d98c707"
down_revision = "c81f3a5d9e27"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_service_requests_open_of_inventor",
        "service_requests",
        ["inventor_id", "service", "created_at", "id"],
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_service_requests_open_of_inventor", table_name="service_requests")

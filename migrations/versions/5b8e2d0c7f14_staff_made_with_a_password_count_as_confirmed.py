"""staff and coordinators made with a password count as confirmed

Since 7a9c482 API tokens are made only for a confirmed address, and an account made with
a password by whoever runs the network (the command line) counts as confirmed when it is
made. Staff and coordinator accounts made that way before then had no confirmation, so
they could not make a token until they asked for a link. An invited account confirms by
setting its password through its link, and an inventor registers themselves; so a staff
or coordinator account with a password and no confirmation was made on the command line,
and counts as confirmed from now.

Revision ID: 5b8e2d0c7f14
Revises: 9c1d4e7f2a60
Create Date: 2026-12-05 17:45:00
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2d0c7f14'
down_revision = '9c1d4e7f2a60'
branch_labels = None
depends_on = None

users = sa.table(
    'users',
    sa.column('role', sa.String),
    sa.column('password_hash', sa.String),
    sa.column('email_verified_at', sa.DateTime(timezone=True)),
)


def upgrade():
    op.execute(
        users.update()
        .where(
            users.c.role.in_(('staff', 'coordinator')),
            users.c.password_hash.is_not(None),
            users.c.email_verified_at.is_(None),
        )
        .values(email_verified_at=datetime.now(UTC))
    )


def downgrade():
    pass  # which confirmations it gave is not kept; they stay

"""due date rules: the working calendar and targets the open requests' due dates follow

One row keeps the key of the rules (``Policy.due_date_rules``: the holidays, the time
zone, the services' targets) the open requests' due dates were worked out by. When a
deployment changes them, the first daily job (``services/due_dates.py``) and ``tisc
setup`` work those due dates out again.

The table starts empty: the first run takes the due dates stored until then as worked
out by the rules it finds (see ``follow_rules``).

Revision ID: 46855aa11e67
Revises: 5b8e2d0c7f14
Create Date: 2026-12-06 05:20:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "46855aa11e67"
down_revision = "5b8e2d0c7f14"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "due_date_rules",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_date_rules")),
    )


def downgrade():
    op.drop_table("due_date_rules")

"""The copies of sent e-mails still to be emptied

The daily job ``old_mail_copies`` empties a sent message's subject and texts
``TISC_MAIL_KEEP_DAYS`` after sending; this index holds only the messages that still
have theirs, so each day's run reads what it empties, never the years already emptied.

Revision ID: b61e016f1058
Revises: 3e5b9c2a7d41
Create Date: 2026-12-05 07:06:48.749527

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b61e016f1058'
down_revision = '3e5b9c2a7d41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_copies', ['delivery', 'sent_at'], unique=False, sqlite_where=sa.text('body_text IS NOT NULL'), postgresql_where=sa.text('body_text IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_copies', sqlite_where=sa.text('body_text IS NOT NULL'), postgresql_where=sa.text('body_text IS NOT NULL'))

"""Delivery (issue 12): recipient queues and leases in the outbox, receipts once per group,
indexes of the hot queries, seed marks, the next term check of a case.

Existing rows get their queue from their recipient; a row a killed older version left in
'sending' gets a lease that has run out, so it is sent again.

Revision ID: i12_delivery
Revises: ed79269004ab
Create Date: 2026-12-01 23:40:10.848140
"""

import sqlalchemy as sa
from alembic import op

revision = 'i12_delivery'
down_revision = 'ed79269004ab'
branch_labels = None
depends_on = None
OPEN_ROWS = {"postgresql_where": sa.text("status IN ('pending', 'sending')"),
             "sqlite_where": sa.text("status IN ('pending', 'sending')")}


def upgrade() -> None:
    op.create_table('outbox_followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grp', sa.String(length=200), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('grp', 'event')
    )
    with op.batch_alter_table('outbox_followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_followup_created_at'), ['created_at'], unique=False)

    op.create_table('reminder_seed_mark',
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org')
    )
    with op.batch_alter_table('confide_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_confide_case_term_check_at'), ['term_check_at'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=240), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('grp', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('failure', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_outbox_finished', ['status', 'delivered_at'], unique=False)
        batch_op.create_index('ix_outbox_grp', ['grp'], unique=False)
        batch_op.create_index('ix_outbox_open_platform', ['platform', 'id'], unique=False, **OPEN_ROWS)
        batch_op.create_index('ix_outbox_open_queue', ['queue', 'id'], unique=False, **OPEN_ROWS)

    op.execute("UPDATE outbox SET queue = platform || ':' || "
               "CASE WHEN recipient = '' THEN COALESCE(tag, '') ELSE recipient END")
    op.execute("UPDATE outbox SET lease_until = next_attempt_at WHERE status = 'sending'")

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_snooze', ['snooze_at'], unique=False)
        batch_op.create_index('ix_reminder_user', ['platform', 'user_id'], unique=False)

    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_delivery_claimed', ['claimed_at'], unique=False)

    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_role_assignment_user', ['platform', 'user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_role_assignment_user')

    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_delivery_claimed')

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_user')
        batch_op.drop_index('ix_reminder_snooze')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_open_queue', **OPEN_ROWS)
        batch_op.drop_index('ix_outbox_open_platform', **OPEN_ROWS)
        batch_op.drop_index('ix_outbox_grp')
        batch_op.drop_index('ix_outbox_finished')
        batch_op.drop_column('failure')
        batch_op.drop_column('parts_sent')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('grp')
        batch_op.drop_column('queue')

    with op.batch_alter_table('confide_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confide_case_term_check_at'))
        batch_op.drop_column('term_check_at')

    op.drop_table('reminder_seed_mark')
    with op.batch_alter_table('outbox_followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_followup_created_at'))

    op.drop_table('outbox_followup')

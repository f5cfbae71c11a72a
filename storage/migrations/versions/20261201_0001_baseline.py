"""Baseline: the schema of the last release without migrations (created with create_all).

Revision ID: 0001
Revises:
Create Date: 2026-12-01 23:23:24.036973
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables of the last release made without migrations.

    A database that release made (with create_all) already has them: each table is created only
    when it is missing, so such a database is brought in line by simply upgrading."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if 'confide_case' not in existing:
        op.create_table('confide_case',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('pseudonym', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('step', sa.String(length=20), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=False),
        sa.Column('handoff_to', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handed_off_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('taken_by', sa.String(length=220), nullable=True),
        sa.Column('last_employee_message_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_trusted_reply_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by', sa.String(length=10), nullable=True),
        sa.Column('formal_report_at', sa.Date(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org', 'pseudonym')
        )
        with op.batch_alter_table('confide_case', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_confide_case_closed_at'), ['closed_at'], unique=False)
            batch_op.create_index(batch_op.f('ix_confide_case_org'), ['org'], unique=False)
            batch_op.create_index(batch_op.f('ix_confide_case_state'), ['state'], unique=False)

    if 'confide_secret' not in existing:
        op.create_table('confide_secret',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('sealed', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('name')
        )
    if 'confide_statistic' not in existing:
        op.create_table('confide_statistic',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('channel', sa.String(length=40), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org', 'year', 'kind', 'channel', 'outcome')
        )
    if 'conversation_state' not in existing:
        op.create_table('conversation_state',
        sa.Column('user_key', sa.String(length=200), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('lang', sa.String(length=5), nullable=False),
        sa.Column('pending', sa.JSON(), nullable=True),
        sa.Column('flow', sa.String(length=40), nullable=True),
        sa.Column('flow_data', sa.JSON(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_key')
        )
    if 'outbox' not in existing:
        op.create_table('outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('encrypted', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('platform_message_id', sa.String(length=200), nullable=True),
        sa.Column('tag', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('outbox', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)
            batch_op.create_index(batch_op.f('ix_outbox_platform'), ['platform'], unique=False)
            batch_op.create_index(batch_op.f('ix_outbox_platform_message_id'), ['platform_message_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)
            batch_op.create_index(batch_op.f('ix_outbox_tag'), ['tag'], unique=False)

    if 'processed_event' not in existing:
        op.create_table('processed_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('event_id', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform', 'event_id')
        )
        with op.batch_alter_table('processed_event', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_processed_event_created_at'), ['created_at'], unique=False)

    if 'reminder' not in existing:
        op.create_table('reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.String(length=200), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=True),
        sa.Column('months', sa.String(length=40), nullable=False),
        sa.Column('weekday', sa.String(length=3), nullable=True),
        sa.Column('day', sa.Integer(), nullable=True),
        sa.Column('time_of_day', sa.String(length=5), nullable=False),
        sa.Column('every_years', sa.Integer(), nullable=False),
        sa.Column('start_year', sa.Integer(), nullable=True),
        sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('snooze_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('snooze_of', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=40), nullable=True),
        sa.Column('state', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org', 'kind', 'key', 'platform', 'user_id')
        )
        with op.batch_alter_table('reminder', schema=None) as batch_op:
            batch_op.create_index('ix_reminder_due', ['active', 'next_due_at'], unique=False)
            batch_op.create_index(batch_op.f('ix_reminder_org'), ['org'], unique=False)

    if 'reminder_notice' not in existing:
        op.create_table('reminder_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org', 'platform', 'user_id', 'reason')
        )
    if 'role_assignment' not in existing:
        op.create_table('role_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.String(length=200), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=True),
        sa.Column('available', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org', 'role', 'platform', 'user_id')
        )
        with op.batch_alter_table('role_assignment', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_role_assignment_org'), ['org'], unique=False)

    if 'confide_consent' not in existing:
        op.create_table('confide_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=40), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['confide_case.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('confide_consent', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_confide_consent_case_id'), ['case_id'], unique=False)

    if 'confide_identity' not in existing:
        op.create_table('confide_identity',
        sa.Column('case_id', sa.String(length=40), nullable=False),
        sa.Column('lookup', sa.String(length=64), nullable=False),
        sa.Column('sealed', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['confide_case.id'], ),
        sa.PrimaryKeyConstraint('case_id')
        )
        with op.batch_alter_table('confide_identity', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_confide_identity_lookup'), ['lookup'], unique=False)

    if 'confide_message' not in existing:
        op.create_table('confide_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=40), nullable=False),
        sa.Column('sender', sa.String(length=10), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['confide_case.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('confide_message', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_confide_message_case_id'), ['case_id'], unique=False)

    if 'reminder_delivery' not in existing:
        op.create_table('reminder_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reminder_id', sa.Integer(), nullable=False),
        sa.Column('occurrence', sa.String(length=160), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_by', sa.String(length=120), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('snoozed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reminder_id', 'occurrence')
        )
        with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_reminder_delivery_reminder_id'), ['reminder_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_reminder_delivery_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_reminder_delivery_reminder_id'))

    op.drop_table('reminder_delivery')
    with op.batch_alter_table('confide_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confide_message_case_id'))

    op.drop_table('confide_message')
    with op.batch_alter_table('confide_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confide_identity_lookup'))

    op.drop_table('confide_identity')
    with op.batch_alter_table('confide_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confide_consent_case_id'))

    op.drop_table('confide_consent')
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignment_org'))

    op.drop_table('role_assignment')
    op.drop_table('reminder_notice')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_org'))
        batch_op.drop_index('ix_reminder_due')

    op.drop_table('reminder')
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_event_created_at'))

    op.drop_table('processed_event')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_tag'))
        batch_op.drop_index(batch_op.f('ix_outbox_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_platform_message_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_platform'))
        batch_op.drop_index(batch_op.f('ix_outbox_next_attempt_at'))

    op.drop_table('outbox')
    op.drop_table('conversation_state')
    op.drop_table('confide_statistic')
    op.drop_table('confide_secret')
    with op.batch_alter_table('confide_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confide_case_state'))
        batch_op.drop_index(batch_op.f('ix_confide_case_org'))
        batch_op.drop_index(batch_op.f('ix_confide_case_closed_at'))

    op.drop_table('confide_case')

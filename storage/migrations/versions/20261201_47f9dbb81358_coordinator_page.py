"""Coordinator's page: answer counts, login links, sessions, report channel counts, org settings.

New tables only (issue 16): `answer_count` (what employees ask, counts per week), `web_login_link`
and `web_session` (one-time chat links, stored as hashes), `report_channel_count` (reports outside
the bot, per year) and `org_setting` (the small-count threshold).

Revision ID: 47f9dbb81358
Revises: i12_delivery
Create Date: 2026-12-01 23:45:00.048734
"""

import sqlalchemy as sa
from alembic import op

revision = '47f9dbb81358'
down_revision = 'i12_delivery'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('intent', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('report_type', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org', 'week', 'intent', 'topic', 'verdict', 'report_type')
    )
    with op.batch_alter_table('answer_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_count_org'), ['org'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_count_week'), ['week'], unique=False)

    op.create_table('org_setting',
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('small_count_threshold', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('org')
    )
    op.create_table('report_channel_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org', 'year', 'channel')
    )
    with op.batch_alter_table('report_channel_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_channel_count_org'), ['org'], unique=False)

    op.create_table('web_login_link',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('web_login_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_login_link_role_id'), ['role_id'], unique=False)

    op.create_table('web_session',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id_hash')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_role_id'), ['role_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_role_id'))
        batch_op.drop_index(batch_op.f('ix_web_session_expires_at'))

    op.drop_table('web_session')
    with op.batch_alter_table('web_login_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_login_link_role_id'))

    op.drop_table('web_login_link')
    with op.batch_alter_table('report_channel_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_channel_count_org'))

    op.drop_table('report_channel_count')
    op.drop_table('org_setting')
    with op.batch_alter_table('answer_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_count_week'))
        batch_op.drop_index(batch_op.f('ix_answer_count_org'))

    op.drop_table('answer_count')

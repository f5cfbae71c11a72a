"""Teams: how to reach each Teams user (conversation references) and which tenant is which organisation.

Revision ID: ed79269004ab
Revises: 65f23166ea47
Create Date: 2026-12-01 23:36:37.049149
"""

import sqlalchemy as sa
from alembic import op

revision = 'ed79269004ab'
down_revision = '65f23166ea47'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams_conversation_ref',
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('tenant_id', sa.String(length=100), nullable=False),
    sa.Column('service_url', sa.String(length=500), nullable=False),
    sa.Column('conversation_id', sa.String(length=500), nullable=True),
    sa.Column('channel_account_id', sa.String(length=200), nullable=False),
    sa.Column('bot_id', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('teams_tenant',
    sa.Column('tenant_id', sa.String(length=100), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id')
    )


def downgrade() -> None:
    op.drop_table('teams_tenant')
    op.drop_table('teams_conversation_ref')

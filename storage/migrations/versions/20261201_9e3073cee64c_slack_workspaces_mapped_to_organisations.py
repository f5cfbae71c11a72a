"""Slack workspaces mapped to organisations (issue 14): the mapping becomes data an administrator sets.

Revision ID: 9e3073cee64c
Revises: 0001
Create Date: 2026-12-01 23:54:56.052675
"""

import sqlalchemy as sa
from alembic import op

revision = '9e3073cee64c'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_workspace',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('org', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id')
    )


def downgrade() -> None:
    op.drop_table('slack_workspace')

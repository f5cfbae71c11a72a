"""Slack workspaces: which organisation each belongs to, their tokens, and which workspace a user is in.

Which organisation a workspace belongs to is data an administrator sets, not a deploy setting.

One process can serve several municipalities (a shared-service body): each workspace (team id,
or the Enterprise Grid organisation id for an org-wide install) is mapped to an organisation
slug with `integrity-bot slack workspace`. SLACK_WORKSPACES in the environment still works and
is read as the default underneath what is stored here.

With OAuth distribution (SLACK_CLIENT_ID), every workspace that installs the app gets its own
bot token, kept in slack_sdk's own installation tables (slack_installations, slack_bots, and
slack_oauth_states for the install flow) on this database; their definitions come from slack_sdk
and are part of the migrations. SlackMember remembers a user's workspace, so a reply stored for
later (a reminder, a relay) is sent with that workspace's token.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from storage.db import session_scope
from storage.models import utcnow as _now


class SlackWorkspace(SQLModel, table=True):
    """A Slack workspace (T…) or Enterprise Grid organisation (E…) and its organisation slug."""

    __tablename__ = "slack_workspace"
    team_id: str = Field(primary_key=True, max_length=32)
    org: str = Field(max_length=100)
    name: str | None = Field(default=None, max_length=200)  # the workspace's name, for the administrator
    updated_at: datetime = Field(default_factory=_now)


class SlackMember(SQLModel, table=True):
    """The workspace a Slack user wrote from: which token reaches them (OAuth distribution)."""

    __tablename__ = "slack_member"
    user_id: str = Field(primary_key=True, max_length=32)
    team_id: str = Field(max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)


INSTALLATIONS, BOTS, OAUTH_STATES = "slack_installations", "slack_bots", "slack_oauth_states"
# slack_sdk's own tables, on this project's metadata so that the migrations create them
SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, INSTALLATIONS)
SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS)
SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, OAUTH_STATES)


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine, bots_table_name=BOTS,
                                       installations_table_name=INSTALLATIONS)


def oauth_state_store(engine: Engine, expiration_seconds: int = 600) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(expiration_seconds=expiration_seconds, engine=engine, table_name=OAUTH_STATES)


def remember_member(engine: Engine, user_id: str, team_id: str, enterprise_id: str | None = None) -> None:
    with session_scope(engine) as session:
        row = session.get(SlackMember, user_id)
        if row is None or (row.team_id, row.enterprise_id) != (team_id, enterprise_id):
            row = row or SlackMember(user_id=user_id, team_id=team_id)
            row.team_id, row.enterprise_id = team_id, enterprise_id
            session.add(row)


def member_team(engine: Engine, user_id: str) -> tuple[str, str | None] | None:
    """(team id, enterprise id) a user last wrote from, or None."""
    with session_scope(engine) as session:
        row = session.get(SlackMember, user_id)
        return (row.team_id, row.enterprise_id) if row else None


def set_workspace(engine: Engine, team_id: str, org: str, name: str | None = None) -> None:
    with session_scope(engine) as session:
        row = session.get(SlackWorkspace, team_id) or SlackWorkspace(team_id=team_id, org=org)
        row.org, row.updated_at = org, _now()
        if name:
            row.name = name
        session.add(row)


def remove_workspace(engine: Engine, team_id: str) -> bool:
    with session_scope(engine) as session:
        return bool(session.execute(delete(SlackWorkspace).where(
            SlackWorkspace.team_id == team_id)).rowcount)  # type: ignore[arg-type,attr-defined]


def workspaces(engine: Engine) -> dict[str, str]:
    """Every stored team id → organisation slug."""
    with session_scope(engine) as session:
        return {w.team_id: w.org for w in session.execute(
            select(SlackWorkspace).order_by(SlackWorkspace.team_id)).scalars()}

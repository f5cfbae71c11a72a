"""Which organisation a Slack workspace belongs to: data an administrator sets, not a deploy setting.

One process can serve several municipalities (a shared-service body): each workspace (team id,
or the Enterprise Grid organisation id for an org-wide install) is mapped to an organisation
slug with `integrity-bot slack workspace`. SLACK_WORKSPACES in the environment still works and
is read as the default underneath what is stored here.
"""

from __future__ import annotations

from datetime import datetime

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

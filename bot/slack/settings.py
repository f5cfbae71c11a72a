"""Slack settings from the environment and `.env` (prefix SLACK_); every one is in .env.example."""

from __future__ import annotations

import threading
import time
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Engine

from storage.slack_workspaces import workspaces


class SlackSettings(BaseSettings):
    """How to reach Slack and which organisation each workspace belongs to."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", env_file=".env", extra="ignore")

    bot_token: str = Field("", description="Bot User OAuth Token, xoxb-...")
    app_token: str = Field("", description="App-level token with connections:write, xapp-... (Socket Mode)")
    signing_secret: str = Field("", description="Basic Information > Signing Secret (HTTP mode)")
    mode: Literal["socket", "http"] = Field("socket", description="socket: no public URL needed")
    host: str = Field("127.0.0.1", description="HTTP mode: address to listen on (a reverse proxy forwards to it)")
    port: int = Field(3000, description="HTTP mode: port for events, interactivity and the slash command")
    path: str = Field("/slack/events", description="HTTP mode: the request URL path")
    workspaces: str = Field("", description="workspace (team id) to organisation: T123=ommen,T456=haarlem")
    api_base_url: str = Field("https://slack.com/api/",
                              description="Web API base URL (tests point it at a fake)")
    outbox_interval: float = Field(1.0, description="seconds between checks for replies due to be sent")
    client_id: str = Field("", description="OAuth distribution (HTTP mode): Basic Information > Client ID; "
                                           "empty = one workspace with SLACK_BOT_TOKEN")
    client_secret: str = Field("", description="OAuth distribution: Basic Information > Client Secret")
    install_path: str = Field("/slack/install", description="OAuth distribution: the page to install from")
    redirect_path: str = Field("/slack/oauth_redirect",
                               description="OAuth distribution: the Redirect URL's path (OAuth & Permissions)")

    @property
    def oauth(self) -> bool:
        """Installed by several workspaces through Slack's OAuth flow, with a token per workspace."""
        return bool(self.client_id)

    def workspace_orgs(self) -> dict[str, str]:
        """The team id → organisation slug mapping; raises ValueError on a malformed entry."""
        mapping: dict[str, str] = {}
        for part in self.workspaces.split(","):
            part = part.strip()
            if not part:
                continue
            team, sep, org = part.partition("=")
            if not sep or not team.strip() or not org.strip():
                raise ValueError(f"SLACK_WORKSPACES: '{part}' is not of the form T123=ommen")
            mapping[team.strip()] = org.strip().lower()
        return mapping


class OrgResolver:
    """Which organisation a Slack workspace belongs to.

    What an administrator stored (`integrity-bot slack workspace`, storage/slack_workspaces.py)
    comes first, then SLACK_WORKSPACES, then the default. The stored mapping is read again
    after REFRESH_S, so a change takes effect without a restart.
    """

    REFRESH_S = 30.0

    def __init__(self, mapping: dict[str, str], default: str, engine: Engine | None = None) -> None:
        self.mapping = mapping
        self.default = default
        self.engine = engine
        self._stored: dict[str, str] = {}
        self._read_at = -self.REFRESH_S
        self._lock = threading.Lock()

    def stored(self) -> dict[str, str]:
        if self.engine is None:
            return {}
        with self._lock:
            if time.monotonic() - self._read_at >= self.REFRESH_S:
                try:
                    self._stored = workspaces(self.engine)
                except Exception:  # the database is away: keep what we knew
                    pass
                self._read_at = time.monotonic()
            return self._stored

    def __call__(self, team_id: str | None) -> str:
        team = team_id or ""
        return self.stored().get(team) or self.mapping.get(team, self.default)

    def orgs(self) -> set[str]:
        return {self.default, *self.mapping.values(), *self.stored().values()}

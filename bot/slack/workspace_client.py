"""A WebClient that sends each call with the bot token of the workspace it is for (OAuth distribution).

With one app installed in several workspaces, every workspace has its own bot token (in the
installation store). The outbox sender and the listeners share this client: it finds the
workspace of a call from its channel or user (channels and users are learnt from the events
that come in; a user's workspace is also stored, see storage/slack_workspaces.py) and adds that
workspace's token. Without an installation for it, the call goes with the default token.
"""

from __future__ import annotations

import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy.engine import Engine

from storage.slack_workspaces import member_team, remember_member

Workspace = tuple[str, str | None]  # (team id, enterprise id)


class WorkspaceClient(WebClient):
    """WebClient whose token follows the workspace of each call."""

    def __init__(self, store: InstallationStore, engine: Engine, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.engine = engine
        self._channels: dict[str, Workspace] = {}
        self._users: dict[str, Workspace] = {}
        self._lock = threading.Lock()

    def learn(self, team: str | None, enterprise: str | None, user: str | None, channel: str | None) -> None:
        """Remember where an incoming event came from."""
        if not team:
            return
        with self._lock:
            if channel:
                self._channels[channel] = (team, enterprise)
            known = self._users.get(user or "")
            if user:
                self._users[user] = (team, enterprise)
        if user and known != (team, enterprise):
            remember_member(self.engine, user, team, enterprise)

    def workspace_of(self, args: dict[str, Any]) -> Workspace | None:
        channel, user = args.get("channel"), args.get("users") or args.get("user") or args.get("user_id")
        with self._lock:
            if channel and channel in self._channels:
                return self._channels[channel]
            if user and user in self._users:
                return self._users[user]
        return member_team(self.engine, str(user)) if user else None

    def token_for(self, workspace: Workspace | None) -> str | None:
        if workspace is None:
            return None
        team, enterprise = workspace
        bot = self.store.find_bot(enterprise_id=enterprise, team_id=team, is_enterprise_install=False) \
            or (self.store.find_bot(enterprise_id=enterprise, team_id=None, is_enterprise_install=True)
                if enterprise else None)
        return bot.bot_token if bot else None

    def api_call(self, api_method: str, *, http_verb: str = "POST", files: dict | None = None,  # type: ignore[override]
                 data: dict | None = None, params: dict | None = None, json: dict | None = None,
                 headers: dict | None = None, auth: dict | None = None) -> Any:
        args = {**(params or {}), **(data or {}), **(json or {})}
        if "token" not in args:
            workspace = self.workspace_of(args)
            token = self.token_for(workspace)
            if token:  # slack_sdk sends a "token" argument as the call's Authorization header
                if json is not None:
                    json = {**json, "token": token}
                else:
                    params = {**(params or {}), "token": token}
            if api_method == "conversations.open" and workspace:
                response = super().api_call(api_method, http_verb=http_verb, files=files, data=data,
                                            params=params, json=json, headers=headers, auth=auth)
                channel = ((response.get("channel") or {}) if hasattr(response, "get") else {}).get("id")
                if channel:
                    with self._lock:
                        self._channels[channel] = workspace
                return response
        return super().api_call(api_method, http_verb=http_verb, files=files, data=data, params=params,
                                json=json, headers=headers, auth=auth)

"""Telegram settings from the environment and `.env` (prefix TELEGRAM_); every one is in .env.example."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TelegramSettings(BaseSettings):
    """How to reach Telegram, how updates come in, and which organisation this bot serves."""

    model_config = SettingsConfigDict(env_prefix="TELEGRAM_", env_file=".env", extra="ignore")

    bot_token: str = Field("", description="the token BotFather gave, 123456:ABC-...")
    mode: Literal["polling", "webhook"] = Field(
        "polling", description="polling: no public URL needed, one process per token")
    org: str | None = Field(None, description="organisation of this bot; empty = INTEGRITY_DEFAULT_ORG")
    webhook_listen: str = Field("127.0.0.1", description="webhook mode: address to listen on (behind a proxy)")
    webhook_port: int = Field(8443, description="webhook mode: port to listen on")
    webhook_path: str = Field("telegram", description="webhook mode: URL path of the webhook")
    webhook_url: str = Field("", description="webhook mode: the public https URL Telegram posts to")
    secret_token: str = Field(
        "", description="webhook mode: checked in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Za-z0-9_-)")
    base_url: str = Field("https://api.telegram.org/bot", description="Bot API base URL (tests use a fake)")
    poll_timeout: int = Field(10, description="polling: seconds a getUpdates request may wait")
    outbox_interval: float = Field(1.0, description="seconds between checks for replies due to be sent")

    def problems(self) -> list[str]:
        """What is missing or wrong for the chosen mode, in words an operator can act on."""
        found = []
        if not self.bot_token:
            found.append("TELEGRAM_BOT_TOKEN is leeg: maak een bot met @BotFather en zet het token.")
        if self.mode == "webhook":
            if not self.webhook_url.startswith("https://"):
                found.append("TELEGRAM_WEBHOOK_URL moet een publieke https-URL zijn in webhook-modus.")
            if not self.secret_token:
                found.append("TELEGRAM_SECRET_TOKEN is leeg: verplicht in webhook-modus "
                             "(A-Z, a-z, 0-9, _ en -).")
            elif not all(c.isalnum() or c in "_-" for c in self.secret_token) or len(self.secret_token) > 256:
                found.append("TELEGRAM_SECRET_TOKEN mag alleen A-Z, a-z, 0-9, _ en - bevatten (max. 256).")
        return found

"""Teams settings from the environment and `.env` (prefix TEAMS_); every one is in .env.example."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MULTI_TENANT = "botframework.com"


class TeamsSettings(BaseSettings):
    """The bot's Entra app registration, where it listens, and where Microsoft's services are."""

    model_config = SettingsConfigDict(env_prefix="TEAMS_", env_file=".env", extra="ignore")

    app_id: str = Field("", description="Application (client) ID of the Entra app registration")
    app_secret: str = Field("", description="a client secret of that app registration")
    certificate_file: Path | None = Field(
        None, description="instead of a secret: PEM file with the private key and its certificate")
    tenant_id: str = Field("", description="Directory (tenant) ID of a single-tenant app; empty = multi-tenant")
    org: str = Field("", description="organisation for tenants not mapped with `teams tenant add`; "
                                     "empty = refuse them")
    host: str = Field("0.0.0.0", description="address the messaging endpoint listens on")
    port: int = Field(3978, description="port of the messaging endpoint")
    path: str = Field("/api/messages", description="path of the messaging endpoint")
    outbox_interval: float = Field(1.0, description="seconds between checks for replies due to be sent")
    login_url: str = Field("https://login.microsoftonline.com",
                           description="Entra ID, where the bot gets its tokens (tests use a fake)")
    openid_metadata_url: str = Field(
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        description="Bot Framework OpenID document; its keys sign incoming requests (tests use a fake)")
    token_issuer: str = Field("https://api.botframework.com", description="issuer of incoming request tokens")
    bot_scope: str = Field("https://api.botframework.com/.default", description="scope of the bot's own token")

    @field_validator("certificate_file", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`TEAMS_CERTIFICATE_FILE=` as copied from .env.example means: no certificate."""
        return None if isinstance(value, str) and not value.strip() else value

    def token_tenant(self) -> str:
        """The tenant the bot asks for its token in (its own, or the Bot Framework's for multi-tenant)."""
        return self.tenant_id.strip() or MULTI_TENANT

    def problems(self) -> list[str]:
        """What stops the bot from starting, in words an administrator can act on."""
        found = []
        if not self.app_id.strip():
            found.append("TEAMS_APP_ID ontbreekt: de Application (client) ID van de app-registratie in Entra ID.")
        if not self.app_secret and not self.certificate_file:
            found.append("TEAMS_APP_SECRET (of TEAMS_CERTIFICATE_FILE) ontbreekt: maak een clientgeheim bij "
                         "de app-registratie (Certificates & secrets).")
        if self.certificate_file and not self.certificate_file.is_file():
            found.append(f"TEAMS_CERTIFICATE_FILE: bestand {self.certificate_file} bestaat niet.")
        if not self.path.startswith("/"):
            found.append("TEAMS_PATH moet met / beginnen, bijvoorbeeld /api/messages.")
        return found

"""Settings of the coordinator's web page (prefix INTEGRITY_WEB_). Every one is in .env.example."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """Where `integrity-bot web` listens and the address the chat links point to."""

    model_config = SettingsConfigDict(env_prefix="INTEGRITY_WEB_", env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="address to listen on; behind a reverse proxy keep 127.0.0.1")
    port: int = Field(8080, ge=0, le=65535, description="port to listen on (0 = any free port)")
    base_url: str = Field("", description="the public address of the page, as the login links show it; "
                                          "empty = http://HOST:PORT")
    session_hours: float = Field(8.0, gt=0, le=24 * 7, description="how long a login lasts")
    small_count_threshold: int = Field(3, ge=1, le=20, description="counts below it are shown as '< N' "
                                       "unless the organisation chooses otherwise on the page")

    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

"""Settings from the environment and `.env` (pydantic-settings). Every one is in .env.example."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Core settings, prefix INTEGRITY_."""

    model_config = SettingsConfigDict(env_prefix="INTEGRITY_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        None, description="SQLAlchemy URL; empty = SQLite file in the user's data directory")
    data_dir: Path | None = Field(None, description="where the default SQLite file lives")
    default_org: str = Field("ommen", description="organisation for transports without a mapping")
    kb_dir: Path | None = Field(None, description="extra / replacement organisation YAML files")
    contacts_file: Path | None = Field(None, description="YAML with deployment-specific contacts")
    encryption_keys: str = Field(
        "", description="comma-separated Fernet keys, newest first; needed for confidential talks")
    retention_days: int = Field(365, description="content of closed cases is purged after this")
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING, ERROR")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        base = self.data_dir or Path(user_data_dir("integrity-bot", appauthor=False))
        base.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{base / 'integrity-bot.db'}"

    def keys(self) -> list[str]:
        return [k.strip() for k in self.encryption_keys.split(",") if k.strip()]

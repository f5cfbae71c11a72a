"""Settings from the environment and `.env` (pydantic-settings). Every one is in .env.example."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.errors import StartupError

DATA_DIR_FIX = ("Zet INTEGRITY_DATA_DIR op een map waarin de bot mag schrijven, "
                "of kies een database met INTEGRITY_DATABASE_URL.")


class DataDirError(StartupError):
    """The directory of the default SQLite file cannot be made or written."""


class Settings(BaseSettings):
    """Core settings, prefix INTEGRITY_."""

    model_config = SettingsConfigDict(env_prefix="INTEGRITY_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        None, description="SQLAlchemy URL; empty = SQLite file in the user's data directory")
    data_dir: Path | None = Field(None, description="where the default SQLite file lives")
    database_auto_upgrade: bool = Field(
        False, description="upgrade an older database schema at start (under a lock) instead of refusing")
    default_org: str | None = Field(
        None, description="organisation a transport serves unless told otherwise; empty = it must be named")
    kb_dir: Path | None = Field(None, description="extra / replacement organisation YAML files")
    contacts_file: Path | None = Field(None, description="YAML with deployment-specific contacts")
    encryption_keys: str = Field(
        "", description="comma-separated Fernet keys, newest first; needed for confidential talks")
    retention_days: int = Field(365, description="content of closed cases is purged after this")
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING, ERROR")
    health_host: str = Field("127.0.0.1", description="address of /healthz and /metrics (0.0.0.0 in a container)")
    health_port: int | None = Field(
        None, ge=0, le=65535, description="port of /healthz and /metrics of a long-running process; empty = off")
    # Reminders (issue 4): times are Europe/Amsterdam
    reminder_tick_seconds: float = Field(
        30.0, gt=0, description="how often a bot process checks for due reminders")
    reminder_time: str = Field(
        "09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="default time of day (HH:MM)")
    reminder_weekday: str = Field("mon", pattern=r"^(mon|tue|wed|thu|fri|sat|sun)$",
                                  description="agenda reminders come on the first such weekday of the month")
    reminder_agenda_start_month: int = Field(3, ge=1, le=12, description="first month of the agenda cycle")
    reminder_agenda_default_times: int = Field(
        1, ge=1, le=12, description="agenda reminders a year when the knowledge base names no frequency")
    reminder_report_date: str = Field("01-15", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
                                      description="MM-DD on which report reminders come")
    reminder_late_after_minutes: int = Field(
        15, ge=1, description="a reminder this much overdue is marked late")
    reminder_snooze_days: int = Field(7, ge=1, description="'herinner me over een week'")
    reminder_auto_seed: bool = Field(True, description="create default reminders for newly registered people")
    # delivery (storage/outbox.py, bot/delivery/)
    outbox_workers: int = Field(8, ge=1, le=64, description="sends in flight at once per platform and process")
    outbox_lease_seconds: float = Field(
        15.0, ge=3, le=600, description="a killed process's messages are taken over after this")
    outbox_retention_days: int = Field(30, ge=1, description="delivered and failed outbox rows are purged after this")
    event_retention_days: int = Field(7, ge=1, description="ids of handled platform events are kept this long")
    reminder_delivery_retention_days: int = Field(
        400, ge=30, description="sent reminder occurrences are purged after this")

    @field_validator("default_org")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        return value.strip().lower() or None if value else None

    @field_validator("database_url", "data_dir", "kb_dir", "contacts_file", "health_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`INTEGRITY_KB_DIR=` (as in .env.example) means not set, not the current directory."""
        return None if isinstance(value, str) and not value.strip() else value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        from storage.db import sqlite_url

        base = self.data_dir or Path(user_data_dir("integrity-bot", appauthor=False))
        try:
            if not base.exists():
                base.mkdir(parents=True, mode=0o700, exist_ok=True)  # private: it holds the database
                os.chmod(base, 0o700)  # mkdir's mode is reduced by the umask
            writable = os.access(base, os.W_OK)
        except OSError as exc:
            raise DataDirError(f"Kan de datamap {base} niet maken ({exc.strerror or exc}).\n{DATA_DIR_FIX}") from None
        if not writable:
            raise DataDirError(f"De bot mag niet schrijven in de datamap {base}.\n{DATA_DIR_FIX}")
        return sqlite_url(base / "integrity-bot.db")  # the file 0600

    def keys(self) -> list[str]:
        return [k.strip() for k in self.encryption_keys.split(",") if k.strip()]

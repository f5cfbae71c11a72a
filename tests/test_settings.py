"""Every setting is documented in .env.example with its default."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings
from bot.slack.settings import SlackSettings
from bot.teams.settings import TeamsSettings
from bot.telegram.settings import TelegramSettings
from bot.web.settings import WebSettings

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def test_env_example_lists_every_setting() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    missing = []
    for cls in (Settings, SlackSettings, TelegramSettings, TeamsSettings, WebSettings):
        prefix = cls.model_config.get("env_prefix", "")
        for name in cls.model_fields:
            key = f"{prefix}{name}".upper()
            if not re.search(rf"^#?\s*{key}=", text, re.M):
                missing.append(key)
    assert missing == []


def test_default_database_is_sqlite_in_the_users_data_directory(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = Settings(_env_file=None).resolved_database_url()  # type: ignore[call-arg]
    assert url == f"sqlite:///{tmp_path / 'integrity-bot' / 'integrity-bot.db'}"

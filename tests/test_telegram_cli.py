"""`integrity-bot telegram` as documented: configured by environment, answers, stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.telegram_fake import BOT_USERNAME, TOKEN, FakeBotApi, message
from tests.telegram_harness import WAIT_S

CLI = Path(sys.executable).parent / "integrity-bot"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "INTEGRITY_"))}
    env.update(INTEGRITY_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", **extra)
    return env


def test_the_command_runs_the_bot_until_ctrl_c(tmp_path: Path, fake: FakeBotApi, encryption_key: str) -> None:
    env = _env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url, TELEGRAM_POLL_TIMEOUT="1",
               TELEGRAM_ORG="ommen", INTEGRITY_ENCRYPTION_KEYS=encryption_key)
    proc = subprocess.Popen([str(CLI), "telegram"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        banner = ""
        while "draait" not in banner and proc.poll() is None:
            banner = proc.stderr.readline()
        assert f"Telegram-bot @{BOT_USERNAME} draait (long polling) voor ommen" in banner
        fake.push(message(5001, "/help"))
        deadline = time.monotonic() + WAIT_S
        while not fake.sent(5001) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Ik ben de Integriteitsbot van Gemeente Ommen" in fake.sent(5001)[0]["text"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_missing_settings_are_explained(tmp_path: Path) -> None:
    result = subprocess.run([str(CLI), "telegram"], cwd=tmp_path, env=_env(tmp_path, TELEGRAM_MODE="webhook"),
                            capture_output=True, text=True, timeout=WAIT_S)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is leeg" in result.stderr
    assert "TELEGRAM_WEBHOOK_URL" in result.stderr and "TELEGRAM_SECRET_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr

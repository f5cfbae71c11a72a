"""Run the real Telegram bot (python-telegram-bot's Application) against the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from bot.telegram.runner import run_bot
from bot.telegram.settings import TelegramSettings
from handlers.dispatcher import Core
from tests.telegram_fake import TOKEN, FakeBotApi

WAIT_S = 20.0  # generous: a deadline for a slow shared machine, not a timing assertion


def tg_settings(fake: FakeBotApi, **overrides: Any) -> TelegramSettings:
    values: dict[str, Any] = {"bot_token": TOKEN, "base_url": fake.base_url, "poll_timeout": 1,
                              "outbox_interval": 0.2, **overrides}
    return TelegramSettings(_env_file=None, **values)  # type: ignore[call-arg]


async def until(check: Callable[[], Any], what: str) -> Any:
    """Wait until `check()` is truthy; fail with `what` if it never becomes so."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {what}")


@asynccontextmanager
async def running(core: Core, fake: FakeBotApi, org: str = "ommen", **overrides: Any) -> AsyncIterator[str]:
    """The bot serving `org` until the block ends; yields its username."""
    stop = asyncio.Event()
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_bot(core, tg_settings(fake, **overrides), org, stop,
                                       on_ready=lambda name: ready.set_result(name)))
    done, _ = await asyncio.wait({task, ready}, timeout=WAIT_S, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # raises what went wrong at start-up
    assert ready in done, "bot did not start"
    try:
        yield ready.result()
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT_S)


def texts(sent: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in sent]


def buttons(msg: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of an inline keyboard, row by row."""
    markup = msg.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]

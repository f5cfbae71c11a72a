"""Webhook mode: updates posted over HTTP, accepted only with Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from handlers.dispatcher import Core
from tests.telegram_fake import FakeBotApi, message
from tests.telegram_harness import running, until

ALICE = 2001
SECRET = "geheim_token-123"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_needs_the_secret_token_and_then_answers(core: Core, fake: FakeBotApi) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook/telegram"
    fake.has_started(ALICE)  # her updates come by webhook, not through the fake's getUpdates

    async def scenario() -> list[int]:
        async with running(core, fake, mode="webhook", webhook_listen="127.0.0.1", webhook_port=port,
                           webhook_path="/hook/telegram", webhook_url="https://bot.example.org/hook/telegram",
                           secret_token=SECRET):
            codes = [await asyncio.to_thread(post, url, message(ALICE, "/help"), None),
                     await asyncio.to_thread(post, url, message(ALICE, "/help"), "fout-token")]
            question = message(ALICE, "/vraag Mag ik een fles wijn aannemen?")
            codes.append(await asyncio.to_thread(post, url, question, SECRET))
            # the refused updates were never queued (403 before the bot saw them)
            await until(lambda: fake.sent(ALICE), "the answer to the accepted update")
            return codes
    codes = asyncio.run(scenario())

    assert codes == [403, 403, 200]
    sent = fake.sent(ALICE)
    assert len(sent) == 1 and "Wat is het ongeveer waard?" in sent[0]["text"]
    hook = fake.called("setWebhook")
    assert hook and hook[0]["url"] == "https://bot.example.org/hook/telegram"
    assert hook[0]["secret_token"] == SECRET
    assert fake.called("setMyCommands")

"""Run the Telegram bot until told to stop: long polling or a webhook, plus the outbox sender.

Only one process may poll a token (a second gets 409 Conflict from getUpdates); to run several
processes behind a load balancer, use webhook mode. The outbox is shared safely either way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram.error import Conflict, TelegramError

from bot.telegram.app import ALLOWED_UPDATES, build_application, install_handlers, register_commands
from bot.telegram.sender import OutboxPump, TelegramSender
from bot.telegram.settings import TelegramSettings
from bot.telegram.webhook import WebhookServer
from handlers.dispatcher import Core

log = logging.getLogger(__name__)


def _polling_error(exc: TelegramError) -> None:
    if isinstance(exc, Conflict):
        log.error("another process polls this bot token (409 Conflict): run one poller per token, "
                  "or use TELEGRAM_MODE=webhook for several processes")
    else:
        log.warning("getUpdates failed, retrying: %s", exc.message)


async def run_bot(core: Core, tg: TelegramSettings, org: str, stop: asyncio.Event,
                  on_ready: Callable[[str], None] | None = None) -> None:
    """Serve updates for `org` until `stop` is set; `on_ready` gets the bot's username."""
    app = build_application(tg)
    sender = TelegramSender(app.bot, asyncio.get_running_loop(), core.services.engine)
    delivery = core.services.options.get("delivery")
    pump = OutboxPump(sender, core.services.cipher, tg.outbox_interval,
                      **(dict(delivery) if isinstance(delivery, dict) else {}))
    install_handlers(app, core, org, pump)
    await app.initialize()
    webhook: WebhookServer | None = None
    try:
        await register_commands(app, core)
        updater = app.updater
        assert updater is not None
        if tg.mode == "webhook":  # our server: the secret is checked before any body is read
            webhook = WebhookServer(app.bot, app.update_queue, tg.webhook_path, tg.secret_token)
            webhook.listen(tg.webhook_port, tg.webhook_listen)
            await app.bot.set_webhook(url=tg.webhook_url, secret_token=tg.secret_token or None,
                                      allowed_updates=ALLOWED_UPDATES)
        else:
            await updater.start_polling(poll_interval=0, timeout=tg.poll_timeout,
                                        allowed_updates=ALLOWED_UPDATES, error_callback=_polling_error)
        await app.start()
        pump.start()
        if on_ready is not None:
            on_ready(app.bot.username)
        await stop.wait()
        if updater.running:
            await updater.stop()
        await app.stop()
        await pump.stop()
    finally:
        if webhook is not None:
            await webhook.stop()
        await app.shutdown()

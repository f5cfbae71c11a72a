"""A fake Telegram Bot API on 127.0.0.1 for the real python-telegram-bot, and update builders.

It serves getUpdates from a queue (honouring `offset`, with a brief long poll), records every
other call, numbers messages per chat like Telegram, refuses texts over 4096 characters, and
can answer 429 (retry_after), 502 (network trouble) or 403 (bot blocked) on request.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

# Methods the fake knows; any other gets 404 Not Found, as from the Bot API.
METHODS = {"getMe", "getUpdates", "sendMessage", "setMyCommands", "deleteMyCommands", "answerCallbackQuery",
           "editMessageReplyMarkup", "editMessageText", "deleteWebhook", "setWebhook", "getWebhookInfo",
           "close", "logOut"}
# The HTML tags Telegram accepts (core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                "code", "pre", "blockquote", "tg-emoji"}
MAX_CALLBACK_DATA = 64


class _TelegramHtml(HTMLParser):
    """Telegram's reading of parse_mode=HTML: only its tags, every tag closed, known entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.error = self.error or f"Unmatched end tag \"{tag}\""
        else:
            self.open.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.error = self.error or f"Unsupported entity \"&{name};\""

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data.replace("&gt;", ""):
            self.error = self.error or "Unexpected character"


def html_error(text: str) -> str | None:
    """Telegram's 'can't parse entities' reason for this HTML text, or None when it parses."""
    if re.search(r"&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)", text):
        return "Unexpected end of name token"
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error:
        return parser.error
    if parser.open:
        return f"Can't find end tag corresponding to start tag \"{parser.open[-1]}\""
    return None


BOT_ID = 4242
BOT_USERNAME = "integriteit_test_bot"
TOKEN = "4242:TEST-token"
MAX_TEXT = 4096


class FakeBotApi:
    """The Bot API as far as the adapter uses it; `calls` holds (method, params) in order."""

    def __init__(self, long_poll: float = 0.5) -> None:
        self.long_poll = long_poll
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.fail_429: int = 0  # the next N sendMessage calls get 429 Too Many Requests
        self.retry_after: int = 1
        self.fail_502: int = 0  # the next N sendMessage calls get 502 Bad Gateway (a network error)
        self.blocked: set[int] = set()  # chats whose user blocked the bot (403)
        self.started: set[int] = set()  # users who pressed Start (sent the bot anything): only they can be written to
        # faults for the delivery tests (issue 12)
        self.fail_429_calls: set[int] = set()  # these sendMessage calls (1 = the first) get 429
        self.bad_request: str | None = None  # every sendMessage gets 400 with this description
        self.latency_s = 0.0
        self._send_calls = 0
        self._next_message_id: dict[int, int] = {}
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def close(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # --- what a test does -------------------------------------------------------------------
    def has_started(self, *users: int) -> None:
        """These users once pressed Start: the bot may write to them."""
        with self._cond:
            self.started.update(users)

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (also one already served: a redelivery)."""
        for kind in ("message", "callback_query", "edited_message"):
            sender = (update.get(kind) or {}).get("from") or {}
            if sender.get("id"):
                self.has_started(int(sender["id"]))
        with self._cond:
            self.updates.append(update)
            self._cond.notify_all()

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """sendMessage calls that succeeded, optionally to one chat."""
        return [p for m, p in self.calls if m == "sendMessage" and p.get("_ok")
                and (chat_id is None or int(p["chat_id"]) == chat_id)]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    # --- the server ---------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                method = self.path.rsplit("/", 1)[-1]
                status, payload = fake._dispatch(method, _params(body, self.headers.get("Content-Type", "")))
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped while a long poll was open

            do_GET = do_POST  # noqa: N815

        return Handler

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method not in METHODS:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        with self._cond:
            self.calls.append((method, params))
        refusal = self._refusal(method, params)
        if refusal is not None:
            return refusal
        handler: Callable[[dict[str, Any]], tuple[int, dict[str, Any]]] | None = {
            "getMe": lambda p: (200, {"ok": True, "result": {
                "id": BOT_ID, "is_bot": True, "first_name": "Integriteitsbot", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}}),
            "sendMessage": self._send_message,
            "editMessageReplyMarkup": self._edit_markup,
        }.get(method)
        if handler is None:
            return 200, {"ok": True, "result": True}
        return handler(params)

    def _refusal(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """What Telegram refuses in any sending method: bad HTML, over-long callback data."""
        if params.get("parse_mode") == "HTML" and "text" in params:
            reason = html_error(str(params["text"]))
            if reason:
                return 400, {"ok": False, "error_code": 400,
                             "description": f"Bad Request: can't parse entities: {reason}"}
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for b in row:
                if len(str(b.get("callback_data", "")).encode()) > MAX_CALLBACK_DATA:
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: BUTTON_DATA_INVALID"}
        return None

    def _edit_markup(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self._cond:
            exists = message_id < self._next_message_id.get(chat_id, 1)
        if not exists:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message to edit not found"}
        return 200, {"ok": True, "result": {
            "message_id": message_id, "date": int(time.time()), "text": "…",
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "reply_markup": params.get("reply_markup")}}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(self.long_poll, float(params.get("timeout") or 0))
        with self._cond:
            while True:
                # an update is confirmed (gone) once getUpdates is called with a higher offset
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates:
                    return list(self.updates)
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._cond.wait(left)

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        if self.latency_s:
            time.sleep(self.latency_s)
        with self._cond:
            self._send_calls += 1
            if self._send_calls in self.fail_429_calls:
                return 429, {"ok": False, "error_code": 429,
                             "description": f"Too Many Requests: retry after {self.retry_after}",
                             "parameters": {"retry_after": self.retry_after}}
            if self.bad_request:
                return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {self.bad_request}"}
            if self.fail_502 > 0:
                self.fail_502 -= 1
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            if self.fail_429 > 0:
                self.fail_429 -= 1
                return 429, {"ok": False, "error_code": 429,
                             "description": f"Too Many Requests: retry after {self.retry_after}",
                             "parameters": {"retry_after": self.retry_after}}
            if chat_id in self.blocked:
                return 403, {"ok": False, "error_code": 403,
                             "description": "Forbidden: bot was blocked by the user"}
            if chat_id > 0 and chat_id not in self.started:
                return 403, {"ok": False, "error_code": 403,
                             "description": "Forbidden: bot can't initiate conversation with a user"}
            if len(params["text"].encode("utf-16-le")) // 2 > MAX_TEXT:
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: message is too long"}
            message_id = self._next_message_id.get(chat_id, 1)
            self._next_message_id[chat_id] = message_id + 1
            params["_ok"] = True
            params["_message_id"] = message_id
        return 200, {"ok": True, "result": {
            "message_id": message_id, "date": int(time.time()), "text": params["text"],
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Integriteitsbot",
                     "username": BOT_USERNAME}}}


def _params(body: str, content_type: str) -> dict[str, Any]:
    """A request's parameters: form fields, with JSON-encoded values decoded."""
    if "json" in content_type:
        return json.loads(body or "{}")
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        if value[:1] in "[{":
            try:
                params[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        params[key] = value
    return params


# --- updates as Telegram sends them ----------------------------------------------------------
_counter = iter(range(1000, 10**9))


def _user(user_id: int, lang: str = "nl") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"Gebruiker{user_id}", "language_code": lang}


def _chat(chat_id: int, user_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"Gebruiker{user_id}"}
    return {"id": chat_id, "type": "supergroup", "title": "Team Burgerzaken"}


def message(user_id: int, text: str | None = None, chat_id: int | None = None, update_id: int | None = None,
            reply_to: int | None = None, lang: str = "nl", **content: Any) -> dict[str, Any]:
    """An update with a new message; a leading /command gets its bot_command entity."""
    chat = chat_id if chat_id is not None else user_id
    msg: dict[str, Any] = {"message_id": next(_counter), "date": int(time.time()),
                           "chat": _chat(chat, user_id), "from": _user(user_id, lang), **content}
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        msg["reply_to_message"] = {
            "message_id": reply_to, "date": int(time.time()), "chat": _chat(chat, user_id), "text": "…",
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Integriteitsbot", "username": BOT_USERNAME}}
    return {"update_id": update_id if update_id is not None else next(_counter), "message": msg}


def edited(user_id: int, text: str) -> dict[str, Any]:
    update = message(user_id, text)
    update["message"]["edit_date"] = int(time.time())
    return {"update_id": update["update_id"], "edited_message": update["message"]}


def button_press(user_id: int, data: str, on_message: int = 1,
                 reply_markup: dict[str, Any] | None = None) -> dict[str, Any]:
    """An update for a press on an inline button of message `on_message` in the user's chat;
    `reply_markup` is that message's keyboard, which Telegram sends along."""
    pressed: dict[str, Any] = {"message_id": on_message, "date": int(time.time()), "chat": _chat(user_id, user_id),
                               "text": "…", "from": {"id": BOT_ID, "is_bot": True, "first_name": "Integriteitsbot"}}
    if reply_markup:
        pressed["reply_markup"] = reply_markup
    return {"update_id": next(_counter), "callback_query": {
        "id": f"cq{next(_counter)}", "from": _user(user_id), "chat_instance": "ci", "data": data,
        "message": pressed}}

"""A fake Slack Web API on 127.0.0.1 that records every call, and signed requests into the app.

The real slack_sdk WebClient talks to it (base_url); it answers like Slack does, and can be
told to answer errors and 429s. Response URLs of slash commands point at it too.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from bot.slack.settings import SlackSettings

BOT_USER = "UBOT"
TEAM = "T1"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None = None


@dataclass
class Failure:
    error: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


# The Web API methods the fake knows; any other gets `unknown_method`, as on Slack.
METHODS = {"auth.test", "conversations.open", "chat.postMessage", "chat.postEphemeral", "chat.update",
           "views.publish", "views.open", "views.update", "users.info", "apps.connections.open",
           "oauth.v2.access", "apps.uninstall", "conversations.history", "conversations.replies"}
BLOCK_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40000
RESPONSE_URL_USES = 5  # Slack accepts five responses per response_url …
RESPONSE_URL_TTL_S = 30 * 60  # … within 30 minutes


def block_error(blocks: Any, limit: int = MAX_MESSAGE_BLOCKS) -> str | None:
    """What Slack says about these blocks, judged with slack_sdk's own validators; None when fine."""
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except json.JSONDecodeError:
            return "invalid_blocks_format"
    if not isinstance(blocks, list):
        return "invalid_blocks_format"
    if len(blocks) > limit:
        return "msg_blocks_too_long" if limit == MAX_MESSAGE_BLOCKS else "invalid_blocks"
    for raw in blocks:
        parsed = Block.parse(raw) if isinstance(raw, dict) else None
        if parsed is None:
            return "invalid_blocks"
        try:
            parsed.validate_json()
        except SlackObjectFormationError:
            return "invalid_blocks"
        for text in _texts(raw):
            if not text.strip():
                return "invalid_blocks"  # Slack: "must be more than 0 characters"
        for element in raw.get("elements") or []:
            if element.get("type") == "button" and (
                    len((element.get("text") or {}).get("text", "")) > 75 or len(element.get("value", "")) > 2000):
                return "invalid_blocks"
    return None


def _texts(block: dict[str, Any]) -> list[str]:
    found = []
    if isinstance(block.get("text"), dict):
        found.append(block["text"].get("text", ""))
    if block.get("type") == "context":
        found += [e.get("text", "") for e in block.get("elements") or [] if isinstance(e, dict) and "text" in e]
    return found


class FakeSlack:
    """Slack's Web API as far as the bot uses it."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, list[Failure]] = {}
        # faults for the delivery tests (issue 12)
        self.latency_s = 0.0  # every chat.postMessage / conversations.open waits this long
        self.hold_after_accept_s = 0.0  # an accepted chat.postMessage is answered only after this
        self.ratelimited_until = 0.0  # epoch s: until then chat.postMessage answers 429
        self.retry_after = 1
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> accepted messages
        self.ws_url = "ws://127.0.0.1:1/link"
        self.users: dict[str, dict[str, Any]] = {}  # user id → users.info "user" object
        self.clock = time.monotonic  # for the response_url lifetime
        self._ts = itertools.count(1)
        self._response_urls: dict[str, tuple[float, int]] = {}  # path → (created, uses)
        self._cond = threading.Condition()
        self.refused = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                auth = self.headers.get("Authorization") or ""
                status, headers, body = fake._answer(self.path, params, auth.removeprefix("Bearer ") or None)
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                kind = "text/plain" if isinstance(body, str) else "application/json"
                self.send_header("Content-Type", kind)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - conversations.history and friends are GETs
                path, _, query = self.path.partition("?")
                params = {k: v[0] for k, v in parse_qs(query).items()}
                auth = self.headers.get("Authorization") or ""
                status, headers, body = fake._answer(path, params, auth.removeprefix("Bearer ") or None)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def response_url(self, name: str = "1") -> str:
        """A response_url as Slack hands one out: five uses within 30 minutes from now."""
        path = f"/respond/{name}"
        with self._cond:
            self._response_urls.setdefault(path, (self.clock(), 0))
        return f"http://127.0.0.1:{self.port}{path}"

    def fail(self, method: str, error: str, status: int = 200, headers: dict[str, str] | None = None,
             times: int = 1) -> None:
        """The next `times` calls of `method` get this error."""
        self.failures.setdefault(method, []).append(Failure(error, status, headers or {}, times))

    def of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every recorded call of `method`, in order."""
        with self._cond:
            return [c.params for c in self.calls if c.method == method]

    def wait_for(self, method: str, n: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        """Wait until `method` was called `n` times (for work done in another thread)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([c for c in self.calls if c.method == method]) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        return self.of(method)

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Accepted chat.postMessage calls (optionally in one channel), in order."""
        with self._cond:
            return [m for ch, msgs in self.history.items() for m in msgs if channel in (None, ch)]

    def _answer(self, path: str, params: dict[str, Any],
                token: str | None) -> tuple[int, dict[str, str], Any]:
        method = path.split("/api/", 1)[1] if "/api/" in path else "response_url"
        if method == "response_url":
            params = {**params, "_url": path}
        if method in ("chat.postMessage", "conversations.open") and self.latency_s:
            time.sleep(self.latency_s)
        if method == "chat.postMessage" and time.time() < self.ratelimited_until:
            with self._cond:
                self.calls.append(Call(method, params, token))
                self._cond.notify_all()
            return 429, {"Retry-After": str(self.retry_after)}, {"ok": False, "error": "ratelimited"}
        with self._cond:
            queue = self.failures.get(method)
            if queue:
                self.calls.append(Call(method, params, token))
                self._cond.notify_all()
                failure = queue[0]
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
                return failure.status, failure.headers, {"ok": False, "error": failure.error}
            refusal = self._refusal(method, path, params)
            if refusal is not None:
                self.refused.append((method, refusal))
                if method == "response_url":
                    return 404, {}, refusal
                return 200, {}, {"ok": False, "error": refusal}
            self.calls.append(Call(method, params, token))
            self._cond.notify_all()
        return 200, {}, self._ok(method, params)

    refused: list[tuple[str, str]]

    def _refusal(self, method: str, path: str, params: dict[str, Any]) -> str | None:
        """What Slack would refuse this call with (not recorded as a call), or None."""
        if method == "response_url":
            created, uses = self._response_urls.get(path, (self.clock(), 0))
            if self.clock() - created > RESPONSE_URL_TTL_S:
                return "expired_url"
            if uses >= RESPONSE_URL_USES:
                return "used_url"
            self._response_urls[path] = (created, uses + 1)
        elif method not in METHODS:
            return "unknown_method"
        if method in BLOCK_METHODS:
            if len(str(params.get("text") or "")) > MAX_TEXT:
                return "msg_too_long"
            if "blocks" in params:
                return block_error(params["blocks"])
            if not params.get("text") and method != "response_url":
                return "no_text"
        if method in ("views.publish", "views.open", "views.update"):
            view = params.get("view")
            view = json.loads(view) if isinstance(view, str) else (view or {})
            return block_error(view.get("blocks") or [], MAX_VIEW_BLOCKS)
        return None

    def _ok(self, method: str, params: dict[str, Any]) -> Any:
        if method == "response_url":
            return "ok"
        if method == "auth.test":
            return {"ok": True, "url": "https://gemeente.slack.com/", "team": "Gemeente",
                    "user": "integriteitsbot",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BBOT"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{params['users']}"}}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            metadata = params.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            with self._cond:
                self.history.setdefault(params["channel"], []).append(
                    {"ts": ts, "text": params.get("text"), "thread_ts": params.get("thread_ts"),
                     "metadata": metadata, "_at": time.time()})
            if self.hold_after_accept_s:
                time.sleep(self.hold_after_accept_s)  # accepted, but the answer comes late (a crash window)
            return {"ok": True, "channel": params["channel"], "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts}}
        if method == "oauth.v2.access":  # the code names the workspace that installs: code "T7" → team T7
            team = str(params.get("code") or "T1")
            return {"ok": True, "app_id": "A1", "authed_user": {"id": f"UADMIN{team}"}, "token_type": "bot",
                    "scope": "chat:write,commands", "access_token": f"xoxb-{team}", "bot_user_id": f"UBOT{team}",
                    "team": {"id": team, "name": f"Werkplek {team}"}, "enterprise": None,
                    "is_enterprise_install": False}
        if method == "chat.update":
            return {"ok": True, "channel": params["channel"], "ts": params["ts"], "text": params.get("text")}
        if method == "users.info":
            user = self.users.get(params.get("user") or "")
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method in ("conversations.history", "conversations.replies"):
            oldest = float(params.get("oldest") or 0)
            with self._cond:
                msgs = [m for m in self.history.get(params.get("channel") or "", []) if m["_at"] >= oldest - 1]
            if method == "conversations.replies":
                msgs = [m for m in msgs if m.get("thread_ts") == params.get("ts") or m["ts"] == params.get("ts")]
            else:
                msgs = [m for m in msgs if not m.get("thread_ts")]
            meta = str(params.get("include_all_metadata")).lower() in ("1", "true")
            out = [{"type": "message", "ts": m["ts"], "text": m["text"],
                    **({"metadata": m["metadata"]} if meta and m.get("metadata") else {})} for m in reversed(msgs)]
            return {"ok": True, "messages": out, "has_more": False}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.publish", "views.open"):
            view = params.get("view") or {}
            view = json.loads(view) if isinstance(view, str) else view
            return {"ok": True, "view": {"id": "V1", **view}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url}
        return {"ok": True}


def signature(secret: str, body: str, timestamp: str) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()


class SlackRequests:
    """Signed requests as Slack sends them, over HTTP to the app's server."""

    def __init__(self, url: str, secret: str, team: str = TEAM,
                 settle: Callable[[], object] | None = None) -> None:
        self.url = url
        self.secret = secret
        self.team = team
        self.settle = settle  # waits for the work the app does after its acknowledgement
        self._n = itertools.count(1)

    def post(self, body: str, content_type: str, retry: int | None = None, secret: str | None = None,
             timestamp: int | None = None) -> tuple[int, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": signature(secret or self.secret, body, ts)}
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        req = urllib.request.Request(self.url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                answer = resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            answer = exc.code, exc.read().decode()
        if self.settle is not None:
            self.settle()
        return answer

    def event(self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None,
              team: str | None = None, **kw: Any) -> tuple[int, str]:
        body = {"token": "x", "team_id": team or self.team, "api_app_id": "A1", "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._n):04d}", "event_time": int(time.time()),
                "event": {"event_ts": event.get("ts", "1"), **event}}
        return self.post(json.dumps(body), "application/json", retry=retry, **kw)

    def dm(self, user: str, text: str, ts: str | None = None, secret: str | None = None,
           **extra: Any) -> tuple[int, str]:
        """A direct message from `user` to the bot (`extra` goes into the event)."""
        ts = ts or f"1600000000.{next(self._n):06d}"
        event = {"type": "message", "channel": f"D{user}", "channel_type": "im", "user": user,
                 "text": text, "ts": ts, **extra}
        return self.event(event, secret=secret)

    def command(self, user: str, text: str, channel: str = "C1", response_url: str = "",
                command: str = "/integriteit", channel_name: str | None = None, **kw: Any) -> tuple[int, str]:
        name = channel_name or ("directmessage" if channel.startswith("D") else "algemeen")
        form = {"token": "x", "team_id": self.team, "team_domain": "gemeente", "channel_id": channel,
                "channel_name": name, "user_id": user, "user_name": "someone", "command": command, "text": text,
                "api_app_id": "A1", "response_url": response_url, "trigger_id": f"trig.{next(self._n)}"}
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kw)

    def click(self, user: str, value: str, channel: str, message_ts: str = "1700000000.000001",
              ephemeral: bool = False, response_url: str = "", label: str | None = None,
              blocks: list[dict[str, Any]] | None = None, thread_ts: str | None = None,
              **kw: Any) -> tuple[int, str]:
        """A button press; `label` and `blocks` are the pressed button's text and its message's blocks."""
        payload = {
            "type": "block_actions", "team": {"id": self.team, "domain": "gemeente"},
            "user": {"id": user, "username": "someone", "team_id": self.team}, "api_app_id": "A1",
            "token": "x", "trigger_id": f"trig.{next(self._n)}", "response_url": response_url,
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "channel": {"id": channel, "name": "x"},
            "actions": [{"type": "button", "action_id": "itb-0", "block_id": "b1", "value": value,
                         "text": {"type": "plain_text", "text": label or value},
                         "action_ts": str(time.time())}],
        }
        if not ephemeral:
            payload["message"] = {"type": "message", "ts": message_ts, "text": "…", "user": BOT_USER,
                                  "blocks": blocks or []}
            if thread_ts:
                payload["message"]["thread_ts"] = thread_ts
        form = urlencode({"payload": json.dumps(payload)})
        return self.post(form, "application/x-www-form-urlencoded", **kw)


def home_click(requests: SlackRequests, user: str, value: str, label: str = "") -> tuple[int, str]:
    """A press on a button of the Home tab (a view, not a message: no channel)."""
    payload = {
        "type": "block_actions", "team": {"id": requests.team, "domain": "gemeente"},
        "user": {"id": user, "username": "someone", "team_id": requests.team}, "api_app_id": "A1",
        "token": "x", "trigger_id": f"trig.home.{time.time()}",
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home"},
        "actions": [{"type": "button", "action_id": "itb-home-0", "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": label or value}, "action_ts": str(time.time())}],
    }
    return requests.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def submit(requests: SlackRequests, user: str, view: dict[str, Any], values: dict[str, str]) -> tuple[int, str]:
    """Submit a modal the app opened, with `values` (block id → text, or the chosen option's value)."""
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or block["block_id"] not in values:
            continue
        element = block["element"]
        value = values[block["block_id"]]
        if element["type"] == "static_select":
            state[block["block_id"]] = {element["action_id"]: {
                "type": "static_select", "selected_option": {"value": value, "text": {"type": "plain_text",
                                                                                      "text": value}}}}
        else:
            state[block["block_id"]] = {element["action_id"]: {"type": "plain_text_input", "value": value}}
    payload = {"type": "view_submission", "team": {"id": requests.team, "domain": "gemeente"},
               "user": {"id": user, "username": "someone", "team_id": requests.team}, "api_app_id": "A1",
               "token": "x", "trigger_id": f"trig.view.{time.time()}",
               "view": {**view, "id": f"V{time.time_ns()}", "state": {"values": state}}}
    return requests.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def view_of(params: dict[str, Any]) -> dict[str, Any]:
    view = params.get("view") or {}
    return json.loads(view) if isinstance(view, str) else view


def texts_of(blocks: list[dict[str, Any]]) -> str:
    """All text in a list of blocks, as one string to search in."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return "\n".join(out)


def blocks_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def button_values(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["value"] for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def slack_settings(fake: FakeSlack, **overrides: Any) -> SlackSettings:
    values: dict[str, Any] = {"bot_token": "xoxb-test", "app_token": "xapp-test", "signing_secret": SECRET,
                              "api_base_url": fake.base_url, "workspaces": "T2=haarlem",
                              "outbox_interval": 0.2}
    values.update(overrides)
    return SlackSettings(_env_file=None, **values)  # type: ignore[call-arg]

#!/usr/bin/env python3
"""A fake Slack Web API on 127.0.0.1 with faults, for the delivery fault benchmark.

Answers auth.test, conversations.open (channel D<user>), chat.postMessage (a fresh ts, metadata
kept), conversations.history / conversations.replies (with metadata, for the crash lookup).
Faults, set at run time with POST /_control {...}:
  latency_s, slow_p, slow_s   every call waits latency_s; with probability slow_p it waits slow_s
  p429, p500                  probability that a chat.postMessage gets 429 (Retry-After) or 500
  retry_after                 the Retry-After of a 429 (seconds)
  burst429_until              epoch s: until then every chat.postMessage gets 429
  outage_until                epoch s: until then every Web API call gets 503
Every accepted message is appended to a JSONL log (channel, ts, time, the MK… markers in its text),
so what was delivered can be counted from a file that outlives every bot process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

MARK = re.compile(r"MK[0-9A-Za-z_]+")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    cfg = {"latency_s": 0.0, "slow_p": 0.0, "slow_s": 0.0, "p429": 0.0, "p500": 0.0, "retry_after": 1,
           "burst429_until": 0.0, "outage_until": 0.0}
    rng = random.Random(7)
    lock = threading.Lock()
    counts: dict[str, int] = {}
    history: dict[str, list[dict]] = {}
    ts_counter = itertools.count(1)
    out = open(args.log, "a", buffering=1)  # noqa: SIM115 - line-buffered for the whole run

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the caller was killed

        def do_GET(self) -> None:  # noqa: N802
            path, _, query = self.path.partition("?")
            self._handle(path, {k: v[0] for k, v in parse_qs(query).items()})

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.path in ("/_control", "/_stats"):
                with lock:
                    if self.path == "/_control":
                        cfg.update(json.loads(raw or "{}"))
                    snapshot = dict(cfg) if self.path == "/_control" else dict(counts)
                return self._reply(200, snapshot)
            if "json" in (self.headers.get("Content-Type") or ""):
                params = json.loads(raw or "{}")
            else:
                params = {k: v[0] for k, v in parse_qs(raw).items()}
            self._handle(self.path, params)

        def _handle(self, path: str, params: dict) -> None:
            method = path.split("/api/", 1)[1] if "/api/" in path else path
            with lock:
                c = dict(cfg)
                roll, slow = rng.random(), rng.random()
                counts[method] = counts.get(method, 0) + 1
            now = time.time()
            if now < c["outage_until"]:
                return self._reply(503, {"ok": False, "error": "service_unavailable"})
            if method == "auth.test":
                return self._reply(200, {"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"})
            wait = c["latency_s"] + (c["slow_s"] if slow < c["slow_p"] else 0.0)
            if wait:
                time.sleep(wait)
            if method == "conversations.open":
                return self._reply(200, {"ok": True, "channel": {"id": f"D{params.get('users')}"}})
            if method in ("conversations.history", "conversations.replies"):
                oldest = float(params.get("oldest") or 0)
                with lock:
                    msgs = [m for m in history.get(params.get("channel") or "", []) if m["t"] >= oldest - 1]
                return self._reply(200, {"ok": True, "has_more": False, "messages": [
                    {"type": "message", "ts": m["ts"], "metadata": m["metadata"]} for m in reversed(msgs)]})
            if method == "chat.postMessage":
                with lock:
                    counts["chat.postMessage:total"] = counts.get("chat.postMessage:total", 0) + 1
                if now < c["burst429_until"] or roll < c["p429"]:
                    with lock:
                        counts["429"] = counts.get("429", 0) + 1
                    return self._reply(429, {"ok": False, "error": "ratelimited"},
                                       {"Retry-After": str(c["retry_after"])})
                if roll < c["p429"] + c["p500"]:
                    with lock:
                        counts["500"] = counts.get("500", 0) + 1
                    return self._reply(500, {"ok": False, "error": "internal_error"})
                ts = f"1700000000.{next(ts_counter):06d}"
                metadata = params.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                channel = params.get("channel") or ""
                entry = {"t": time.time(), "channel": channel, "ts": ts,
                         "marks": sorted(set(MARK.findall(params.get("text") or "")))}
                with lock:
                    history.setdefault(channel, []).append({"t": entry["t"], "ts": ts, "metadata": metadata})
                    out.write(json.dumps(entry) + "\n")
                return self._reply(200, {"ok": True, "channel": channel, "ts": ts})
            return self._reply(200, {"ok": True})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever(0.1)


if __name__ == "__main__":
    main()

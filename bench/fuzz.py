#!/usr/bin/env python3
"""Fuzz benchmark: hostile input through the console and at the two HTTP endpoints; prints figures.

    .venv/bin/python bench/fuzz.py [--console 100000] [--http 100000] [--seed 10]

- console: `integrity-bot chat --jsonl` as a real process, fed near-legal JSON (deep nesting,
  integers of thousands of digits, lone surrogates, bytes that are not UTF-8, wrong types, huge
  and over-long lines, ids of every length) with a few per cent of valid messages carrying
  hostile texts. A crash is the process ending early or a line without its answer.
- http: the Slack HTTP server (waitress) and the Telegram webhook (tornado), each on 127.0.0.1
  port 0 in this process, against the local fakes of the tests; signed and unsigned requests,
  bad and stale signatures, wrong secrets, huge declared bodies, garbage with a valid signature,
  a few real messages, and stalled connections held open. A crash is a 5xx, a connection the
  server dropped without an answer, or a server that no longer answers at the end.
Peak memory is the peak RSS (VmHWM) of the console process, and of this process for HTTP (server
and clients share it; the clients are small). Runs are bounded by --max-seconds per part.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- console ---------------------------------------------------------------------------------

def hostile_lines(n: int, rng: random.Random) -> list[bytes]:
    """n lines, mostly malformed, some valid with hostile text (each a bytes line with newline)."""
    makers = [
        lambda: b"[" * rng.randint(900, 30_000),
        lambda: b'{"user": "u1", "text": "x", "x": ' + b"[" * rng.randint(900, 5_000) + b"}",
        lambda: b'{"user": "u1", "text": "x", "id": ' + b"9" * rng.randint(4_300, 9_000) + b"}",
        lambda: b'{"user": ' + b"1" * rng.randint(4_300, 6_000) + b', "text": "x"}',
        lambda: b'{"user": "\\ud8' + rng.choice([b"00", b"ff", b"3d"]) + b'", "text": "x"}',
        lambda: b'{"user": "u1", "text": "\\udfff' + rng.randbytes(3).hex().encode() + b'"}',
        lambda: b'{"user": "u1", "action": "\\udbff"}',
        lambda: rng.randbytes(rng.randint(1, 200)).replace(b"\n", b" "),
        lambda: b"\xff\xfe" + b'{"user": "u1", "text": "x"}',
        lambda: json.dumps({"user": "u" * rng.randint(129, 5_000), "text": "x"}).encode(),
        lambda: json.dumps({"user": rng.choice([None, True, [], {}, 1.5, ""]), "text": "x"}).encode(),
        lambda: json.dumps({"user": "u1", "text": rng.choice([None, 5, [], {"a": 1}])}).encode(),
        lambda: json.dumps({"user": "u1", "text": "x", "id": rng.choice([[1], {"a": 1}, True, "i" * 300])}).encode(),
        lambda: json.dumps(rng.choice([[1, 2], "text", 42, None, True])).encode(),
        lambda: b'{"user": "u1", "text": "x"' + b" " * rng.randint(0, 10),
        lambda: b'{"user": "u1", "text": "x", "n": 1e999999, "m": -1e999999, "k": NaN}',
        lambda: b"",
        lambda: b"{" + b'"a":' * rng.randint(1, 300) + b"1}",
    ]
    valid_texts = ["\u202eesrever", "\x00\x01\x02 nul", "😀" * 500, "a" * 9_000, "<script>alert(1)</script>",
                   "/vertrouwenspersoon", "/antwoord K7-Q3 " + "x" * 100, "/herinneringen uit #999999999999",
                   "Mag ik een fles wijn van € 1e308 aannemen?", "DROP TABLE outbox;--", "\t\r\v\f",
                   "/verwijder ja", "stop", "naam", "\u0000" * 50]
    lines: list[bytes] = []
    for i in range(n):
        if i % 40 == 0:  # 2.5 %: valid lines whose content is hostile, through the whole core
            obj = {"user": f"fuzz{rng.randint(0, 30)}", "text": rng.choice(valid_texts)}
            if rng.random() < 0.3:
                obj["id"] = rng.randint(0, 10**12)
            lines.append(json.dumps(obj).encode() + b"\n")
        elif i % 5000 == 1:  # a few lines longer than the console accepts
            lines.append(b'{"user": "u1", "text": "' + b"x" * 1_000_050 + b'"}\n')
        else:
            lines.append(rng.choice(makers)().replace(b"\n", b" ") + b"\n")
    return lines


def vm_hwm(pid: int) -> int:
    """Peak resident memory of a process in kB (0 when unknown)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def fuzz_console(n: int, seed: int, max_seconds: float) -> None:
    rng = random.Random(seed)
    lines = hostile_lines(n, rng)
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-console-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    from storage.crypto import Cipher
    env.update(INTEGRITY_DATABASE_URL=f"sqlite:///{tmp / 'fuzz.db'}", INTEGRITY_ENCRYPTION_KEYS=Cipher.new_key())
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--org", "ommen", "--jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdin and proc.stdout and proc.stderr
    kinds: Counter[str] = Counter()
    peak = [0]
    start = time.monotonic()

    def feed() -> None:
        try:
            for line in lines:
                proc.stdin.write(line)  # type: ignore[union-attr]
                if time.monotonic() - start > max_seconds:
                    break
            proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass

    def watch() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], vm_hwm(proc.pid))
            time.sleep(0.5)

    threading.Thread(target=feed, daemon=True).start()
    threading.Thread(target=watch, daemon=True).start()
    stderr = []
    threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True).start()  # type: ignore[union-attr]
    for raw in proc.stdout:
        peak[0] = max(peak[0], vm_hwm(proc.pid))
        try:
            obj = json.loads(raw)
            kinds["error line" if "error" in obj else "replies"] += 1
        except ValueError:
            kinds["unreadable output"] += 1
    code = proc.wait()
    took = time.monotonic() - start
    answered = kinds["error line"] + kinds["replies"]
    traces = (stderr[0] if stderr else b"").count(b"Traceback")
    crashes = (1 if code != 0 else 0) + kinds["unreadable output"]
    print(f"console: {len(lines)} hostile lines ({sum(1 for x in lines if len(x) > 1_000_000)} over 1 MB), "
          f"{answered} answered ({kinds['error line']} error lines, {kinds['replies']} replies) in {took:.0f} s")
    print(f"console: crashes {crashes} (exit code {code}), lines without an answer {len(lines) - answered}, "
          f"tracebacks on stderr {traces}, peak RSS {peak[0] / 1024:.1f} MiB")


# --- HTTP --------------------------------------------------------------------------------------

def _request(port: int, head: bytes, body: bytes = b"", timeout: float = 10.0) -> str:
    """One request on a fresh connection; the status code, or a word for what went wrong."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(head + body)
            data = sock.recv(64)
    except TimeoutError:
        return "timeout"
    except OSError:
        return "reset"
    if not data:
        return "closed"
    parts = data.split(b" ", 2)
    return parts[1].decode() if len(parts) > 1 else "garbage"


def _head(path: str, headers: dict[str, str], length: int) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {length}", "", ""]
    return "\r\n".join(lines).encode()


def slack_requests(rng: random.Random, n: int, path: str):  # type: ignore[no-untyped-def]
    from tests.slack_fake import SECRET, signature

    def signed(body: str, ts: int | None = None) -> dict[str, str]:
        t = str(ts if ts is not None else int(time.time()))
        return {"X-Slack-Request-Timestamp": t, "X-Slack-Signature": signature(SECRET, body, t),
                "Content-Type": "application/json"}

    for i in range(n):
        r = rng.random()
        if r < 0.45:  # unsigned
            body = rng.choice(['{"type":"event_callback"}', "[" * rng.randint(1, 50_000), "payload=%7B",
                               rng.randbytes(200).hex()])
            yield "unsigned", _head(path, {"Content-Type": "application/json"}, len(body)), body.encode()
        elif r < 0.65:  # a wrong or stale signature
            body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": "x"}})
            headers = signed(body, int(time.time()) - 3600) if rng.random() < 0.5 else {
                "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64,
                "Content-Type": "application/json"}
            yield "bad signature", _head(path, headers, len(body)), body.encode()
        elif r < 0.72:  # a huge declared body, never sent
            yield "huge", _head(path, {"Content-Type": "application/json"}, rng.randint(2_000_000, 400_000_000)), b""
        elif r < 0.92:  # garbage with a valid signature
            body = rng.choice(["[" * rng.randint(100, 20_000), '{"type": 5}', "{}", '{"type":"event_callback",'
                               '"event":{"type":"message","channel_type":"im","user":["x"],"text":{}}}',
                               "payload=" + "%5B" * 3000])
            yield "signed garbage", _head(path, signed(body), len(body)), body.encode()
        elif r < 0.995:  # signed, valid, handled without the core
            body = json.dumps({"type": "url_verification", "challenge": f"c{i}", "token": "x"})
            yield "signed valid", _head(path, signed(body), len(body)), body.encode()
        else:  # 0.5 %: a real direct message through the whole core
            user = f"UFZ{rng.randint(0, 20)}"
            body = json.dumps({"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                               "event_id": f"EvF{i}", "event_time": int(time.time()),
                               "event": {"type": "message", "channel": f"D{user}", "channel_type": "im",
                                         "user": user, "text": "Mag ik een fles wijn aannemen?",
                                         "ts": f"1700000000.{i:06d}", "event_ts": "1"}})
            yield "signed message", _head(path, signed(body), len(body)), body.encode()


def telegram_requests(rng: random.Random, n: int, path: str, secret: str):  # type: ignore[no-untyped-def]
    from tests.telegram_fake import message

    for i in range(n):
        r = rng.random()
        json_ct = {"Content-Type": "application/json"}
        if r < 0.45:
            body = json.dumps(message(5000 + i % 30, "hallo"))
            headers = json_ct if rng.random() < 0.5 else {**json_ct, "X-Telegram-Bot-Api-Secret-Token": "fout"}
            yield "no or wrong secret", _head(path, headers, len(body)), body.encode()
        elif r < 0.55:
            yield "huge", _head(path, {**json_ct, "X-Telegram-Bot-Api-Secret-Token": secret},
                                rng.randint(2_000_000, 100_000_000)), b""
        elif r < 0.62:
            yield "huge unsigned", _head(path, json_ct, rng.randint(2_000_000, 100_000_000)), b""
        elif r < 0.995:
            body = rng.choice(["[" * rng.randint(100, 20_000), "{}", '{"update_id": "x"}', "null",
                               '{"update_id": 1, "message": {"chat": 5}}', rng.randbytes(100).hex()])
            yield "secret garbage", _head(path, {**json_ct, "X-Telegram-Bot-Api-Secret-Token": secret},
                                          len(body)), body.encode()
        else:
            body = json.dumps(message(6000 + i % 20, "Mag ik een fles wijn aannemen?", update_id=10_000_000 + i))
            yield "secret message", _head(path, {**json_ct, "X-Telegram-Bot-Api-Secret-Token": secret},
                                          len(body)), body.encode()


def hammer(name: str, port: int, requests, max_seconds: float, stall: int = 150) -> None:  # type: ignore[no-untyped-def]
    """Send every request from 4 client threads while `stall` connections sit on half a body."""
    stalled = []
    for _ in range(stall):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
            stalled.append(s)
        except OSError:
            break
    results: Counter[tuple[str, str]] = Counter()
    lock = threading.Lock()
    it = iter(requests)
    start = time.monotonic()
    threads_peak = [threading.active_count()]

    def client() -> None:
        while time.monotonic() - start < max_seconds:
            with lock:
                item = next(it, None)
            if item is None:
                return
            kind, head, body = item
            status = _request(port, head, body)
            with lock:
                results[(kind, status)] += 1
                threads_peak[0] = max(threads_peak[0], threading.active_count())

    workers = [threading.Thread(target=client) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    took = time.monotonic() - start
    alive = _request(port, _head("/", {}, 0), b"", timeout=10)
    for s in stalled:
        s.close()
    total = sum(results.values())
    bad = sum(c for (k, st), c in results.items() if st.startswith("5") or st in ("reset", "timeout", "garbage")
              or (st == "closed" and not k.startswith("huge")))
    print(f"{name}: {total} requests in {took:.0f} s ({total / took:.0f}/s), {len(stalled)} stalled connections "
          f"held open; crashes {bad}; answers after the run: {alive}; threads in this process at most "
          f"{threads_peak[0]} (4 clients + {len(stalled)} stalled connections)")
    by_kind: dict[str, Counter[str]] = {}
    for (kind, status), count in results.items():
        by_kind.setdefault(kind, Counter())[status] += count
    for kind, statuses in sorted(by_kind.items()):
        print(f"    {kind:<20} " + ", ".join(f"{s}: {c}" for s, c in statuses.most_common()))


def fuzz_http(n: int, seed: int, max_seconds: float) -> None:
    import logging

    logging.disable(logging.CRITICAL)  # the hostile requests are logged as errors by design
    from bot.app import build_core
    from bot.settings import Settings
    from bot.slack.app import build_slack
    from bot.slack.server import http_server
    from bot.telegram.runner import run_bot
    from storage.crypto import Cipher
    from tests.slack_fake import FakeSlack, slack_settings
    from tests.telegram_fake import FakeBotApi
    from tests.telegram_harness import tg_settings

    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-http-"))
    core = build_core(Settings(database_url=f"sqlite:///{tmp / 'bot.db'}", encryption_keys=Cipher.new_key(),
                               _env_file=None))  # type: ignore[call-arg]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"http: RSS of this process before the runs {base / 1024:.1f} MiB")

    fake = FakeSlack()
    bot = build_slack(core, slack_settings(fake), "ommen")
    server = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    hammer("slack", server.server_port, slack_requests(rng, n, "/slack/events"), max_seconds)
    server.shutdown()
    server.server_close()
    bot.loop.stop()
    fake.close()
    print(f"http: peak RSS after Slack {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")

    tg_fake = FakeBotApi().start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    secret = "fuzz_secret-123"
    stop_flag: list[asyncio.Event] = []
    ready = threading.Event()
    loop = asyncio.new_event_loop()

    async def serve() -> None:
        stop = asyncio.Event()
        stop_flag.append(stop)
        settings = tg_settings(tg_fake, mode="webhook", webhook_listen="127.0.0.1", webhook_port=port,
                               webhook_path="/tg", webhook_url="https://bot.example.org/tg", secret_token=secret)
        await run_bot(core, settings, "ommen", stop, on_ready=lambda _name: ready.set())

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(30)
    hammer("telegram", port, telegram_requests(rng, n, "/tg", secret), max_seconds)
    loop.call_soon_threadsafe(stop_flag[0].set)
    thread.join(30)
    tg_fake.close()
    print(f"http: peak RSS after Telegram {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--console", type=int, default=100_000, help="hostile lines (0: skip)")
    parser.add_argument("--http", type=int, default=100_000, help="requests per endpoint (0: skip)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=900, help="time limit of each part")
    args = parser.parse_args()
    if args.console:
        fuzz_console(args.console, args.seed, args.max_seconds)
    if args.http:
        fuzz_http(args.http, args.seed, args.max_seconds)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fault benchmark of delivery: N bot processes on one PostgreSQL, SIGKILLed at random, against a
fake Slack that answers 429 bursts, 5xx, outages and slow calls. Prints figures; no pass/fail.

    .venv/bin/python bench/delivery_faults.py [drain] [faults] [reminders] [cost] [--quick]

drain      a backlog of messages to many recipients, with 1, 2 and 4 processes: messages/s
faults     conversations enqueued while processes are killed (>= 20 SIGKILLs) and Slack misbehaves
           (a 30 s 429 burst, 429s, 500s, an outage, slow calls), with 2 and 4 processes:
           delivered once, duplicated, lost, order inversions, due-to-delivery p50/p99
reminders  10 000 agenda reminders due at once with 2 processes; then a 30 s 429 burst on due reminders
cost       a reminder tick with 10 and 10 000 open cases: SQL statements and milliseconds

Everything runs on 127.0.0.1: a throwaway PostgreSQL (Debian's binaries), the fake Slack
(bench/delivery/fake_slack.py) and the workers (bench/delivery/worker.py: the real Slack sender
and delivery loop, and the real reminder clock). Children are ended by their own PID.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent / "delivery"
PY = sys.executable
CHILDREN: list[subprocess.Popen] = []


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def wait_until(check, timeout: float, every: float = 0.5) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(every)
    return bool(check())


# --- PostgreSQL -----------------------------------------------------------------------------------

class Postgres:
    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL binaries not found (apt-get install postgresql)")
        self.bin = found[-1].parent
        self.base = Path(tempfile.mkdtemp(prefix="itbot-bench-pg-"))
        self.port = free_port()
        self.as_pg: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*self.as_pg, str(self.bin / "initdb"), "-D", str(self.base / "data"), "-U", "postgres",
                        "-A", "trust"], check=True, capture_output=True)
        subprocess.run([*self.as_pg, str(self.bin / "pg_ctl"), "-D", str(self.base / "data"), "-l",
                        str(self.base / "log"), "-w", "start", "-o",
                        f"-h 127.0.0.1 -p {self.port} -k {self.base} -c max_connections=200 -c fsync=off"],
                       check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def reset(self) -> None:
        import sqlalchemy

        eng = sqlalchemy.create_engine(self.url)
        with eng.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        eng.dispose()
        from storage.db import make_engine

        make_engine(self.url).dispose()

    def sql(self, query: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
            cur = c.execute(query)
            return list(cur.fetchall()) if cur.description else []

    def stop(self) -> None:
        subprocess.run([*self.as_pg, str(self.bin / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


# --- the fake platform and the workers ------------------------------------------------------------

class Fake:
    def __init__(self, logdir: Path) -> None:
        self.port = free_port()
        self.log = logdir / "accepted.jsonl"
        self.log.unlink(missing_ok=True)
        self.proc = subprocess.Popen([PY, str(HERE / "fake_slack.py"), "--port", str(self.port), "--log",
                                      str(self.log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        CHILDREN.append(self.proc)
        assert wait_until(self._up, 20, 0.1), "fake Slack did not start"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def _post(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def _up(self) -> bool:
        try:
            self.stats()
            return True
        except OSError:
            return False

    def control(self, **cfg: Any) -> dict:
        return self._post("/_control", cfg)

    def stats(self) -> dict:
        return self._post("/_stats", {})

    def accepted(self) -> list[dict]:
        out = []
        for line in self.log.read_text().splitlines() if self.log.exists() else []:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
        return out

    def close(self) -> None:
        _end(self.proc)


class Worker:
    def __init__(self, name: str, env: dict[str, str], args: list[str], logdir: Path) -> None:
        self.name, self.env, self.args, self.logdir = name, env, args, logdir
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        err = open(self.logdir / f"{self.name}.{self.starts}.err", "w")  # noqa: SIM115
        self.proc = subprocess.Popen([PY, str(HERE / "worker.py"), *self.args], env=self.env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        CHILDREN.append(self.proc)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        if self.alive():
            assert self.proc is not None
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None:
            _end(self.proc)


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def workers(n: int, pg: Postgres, fake: Fake, logdir: Path, *extra: str) -> list[Worker]:
    from storage.crypto import Cipher

    key = getattr(workers, "key", None) or Cipher.new_key()
    workers.key = key  # type: ignore[attr-defined]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTEGRITY_", "SLACK_"))}
    env.update(INTEGRITY_DATABASE_URL=pg.url, INTEGRITY_ENCRYPTION_KEYS=key, INTEGRITY_LOG_LEVEL="WARNING",
               PYTHONPATH=str(ROOT))
    out = [Worker(chr(65 + i), env, ["--api", fake.api, *extra], logdir) for i in range(n)]
    for w in out:
        w.start()
    return out


def core_for(pg: Postgres):  # type: ignore[no-untyped-def]
    from bot.app import build_core
    from bot.settings import Settings

    return build_core(Settings(database_url=pg.url, encryption_keys=workers.key, _env_file=None))  # type: ignore[attr-defined,call-arg]


def enqueue_many(pg: Postgres, items: list[tuple[str, str]]) -> None:
    """Enqueue (user, text) replies to Slack users, in this order, in one transaction."""
    from handlers.types import Address, Reply
    from storage.db import session_scope
    from storage.outbox import enqueue

    core = core_for(pg)
    with session_scope(core.services.engine) as s:
        for user, text in items:
            enqueue(s, Reply(to=Address("slack", user), text=text), core.services.cipher)
    core.services.engine.dispose()


def open_rows(pg: Postgres) -> int:
    return pg.sql("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")[0][0]


# --- scenarios --------------------------------------------------------------------------------------

def drain(pg: Postgres, logdir: Path, quick: bool) -> dict:
    """A backlog of messages to many recipients: messages/s with 1, 2 and 4 processes."""
    n, users = (600, 120) if quick else (2000, 400)
    out = {}
    for nproc in (1, 2, 4):
        pg.reset()
        if not hasattr(workers, "key"):
            from storage.crypto import Cipher
            workers.key = Cipher.new_key()  # type: ignore[attr-defined]
        fake = Fake(logdir)
        fake.control(latency_s=0.05)
        enqueue_many(pg, [(f"U{i % users:04d}", f"MK{i:06d} bericht") for i in range(n)])
        t0 = time.time()
        ws = workers(nproc, pg, fake, logdir)
        done = wait_until(lambda: open_rows(pg) == 0, 600, 0.25)
        took = time.time() - t0
        for w in ws:
            w.stop()
        acc = fake.accepted()
        first = min((a["t"] for a in acc), default=t0)
        rate = len(acc) / (max(a["t"] for a in acc) - first) if len(acc) > 1 else None
        out[f"{nproc}_processes"] = {"messages": n, "recipients": users, "drained": done, "seconds": round(took, 1),
                                     "msgs_per_s": round(rate, 1) if rate else None, "accepted": len(acc)}
        log("drain", nproc, out[f"{nproc}_processes"])
        fake.close()
    return out


class Killer(threading.Thread):
    def __init__(self, ws: list[Worker], min_kills: int, gap: tuple[float, float], down: tuple[float, float]) -> None:
        super().__init__(daemon=True)
        self.ws, self.min_kills, self.gap, self.down = ws, min_kills, gap, down
        self.kills = 0
        self.done = threading.Event()
        self.rng = random.Random(11)

    def run(self) -> None:
        while not self.done.is_set() or self.kills < self.min_kills:
            time.sleep(self.rng.uniform(*self.gap))
            victim = self.rng.choice(self.ws)
            victim.kill9()
            self.kills += 1
            time.sleep(self.rng.uniform(*self.down))
            victim.start()
            if self.kills > 200:
                return


def faults(pg: Postgres, logdir: Path, quick: bool, nproc: int) -> dict:
    convs, per = (10, 30) if quick else (20, 50)
    pg.reset()
    fake = Fake(logdir)
    fake.control(latency_s=0.1, slow_p=0.02, slow_s=4.0, p429=0.03, p500=0.03, retry_after=1)
    ws = workers(nproc, pg, fake, logdir)
    time.sleep(3)
    enqueued: dict[str, float] = {}
    lock = threading.Lock()

    def conversation(c: int) -> None:
        rng = random.Random(c)
        for k in range(per):
            mark = f"MK{c:02d}x{k:03d}"
            with lock:
                enqueued[mark] = time.time()
            for _ in range(20):
                try:
                    enqueue_one(pg, f"UTP{c:02d}", f"{mark} bericht")
                    break
                except Exception:  # noqa: BLE001 - the database busy: the platform retries
                    time.sleep(0.2)
            time.sleep(rng.uniform(0.4, 1.6))

    t0 = time.time()
    threads = [threading.Thread(target=conversation, args=(c,), daemon=True) for c in range(convs)]
    for t in threads:
        t.start()
    killer = Killer(ws, 20, (1.0, 3.0), (0.3, 1.0))
    killer.start()
    time.sleep(8)
    fake.control(burst429_until=time.time() + 30)  # a 30 s burst of 429s
    time.sleep(32)
    fake.control(outage_until=time.time() + 10)  # the platform away for 10 s
    for t in threads:
        t.join(timeout=900)
    killer.done.set()
    killer.join(timeout=300)
    for w in ws:
        if not w.alive():
            w.start()
    settled = wait_until(lambda: open_rows(pg) == 0, 600, 1)
    t_end = time.time()
    for w in ws:
        w.stop()
    acc = fake.accepted()
    stats = fake.stats()
    fake.close()
    arrivals: dict[str, list[float]] = collections.defaultdict(list)
    order: dict[int, list[int]] = collections.defaultdict(list)
    for a in acc:
        for m in a["marks"]:
            arrivals[m].append(a["t"])
            order[int(m[2:4])].append(int(m[5:]))
    marks = list(enqueued)
    inversions = 0
    for seq in order.values():
        firsts, seen = [], set()
        for k in seq:
            if k not in seen:
                seen.add(k)
                firsts.append(k)
        inversions += sum(1 for a, b in zip(firsts, firsts[1:], strict=False) if b < a)
    latency = [arrivals[m][0] - enqueued[m] for m in marks if arrivals.get(m)]
    failed = dict(pg.sql("SELECT failure, count(*) FROM outbox WHERE status = 'failed' GROUP BY failure"))
    res = {
        "processes": nproc, "messages": len(marks), "conversations": convs, "kills": killer.kills,
        "settled": settled, "seconds": round(t_end - t0, 1),
        "delivered_once": sum(1 for m in marks if len(arrivals.get(m, [])) == 1),
        "duplicated": sum(len(arrivals[m]) - 1 for m in marks if len(arrivals.get(m, [])) > 1),
        "lost": sum(1 for m in marks if not arrivals.get(m)),
        "order_inversions": inversions,
        "due_to_delivery_s": {"p50": pct(latency, 0.5), "p99": pct(latency, 0.99), "max": pct(latency, 1.0)},
        "failed_in_db": failed,
        "platform": {k: v for k, v in stats.items() if k in ("429", "500", "chat.postMessage:total",
                                                             "conversations.history")},
        "worker_errors": sum(1 for w in ws for i in range(1, w.starts + 1)
                             if "Traceback" in (logdir / f"{w.name}.{i}.err").read_text(errors="replace")),
    }
    log("faults", res)
    return res


def enqueue_one(pg: Postgres, user: str, text: str) -> None:
    cache = getattr(enqueue_one, "core", None)
    if cache is None:
        cache = enqueue_one.core = core_for(pg)  # type: ignore[attr-defined]
    from handlers.types import Address, Reply
    from storage.db import session_scope
    from storage.outbox import enqueue

    with session_scope(cache.services.engine) as s:
        enqueue(s, Reply(to=Address("slack", user), text=text), cache.services.cipher)


def reminders(pg: Postgres, logdir: Path, quick: bool) -> dict:
    out = {}
    for name, n, burst in (("due_at_once", 2000 if quick else 10000, 0), ("burst429_30s", 300, 30)):
        pg.reset()
        enqueue_one.__dict__.pop("core", None)
        _coordinators(pg, n)
        fake = Fake(logdir)
        fake.control(latency_s=0.05, retry_after=1)
        ws = workers(2, pg, fake, logdir, "--reminders", "--tick", "1")
        time.sleep(4)
        if burst:
            fake.control(burst429_until=time.time() + burst)
        due = time.time()
        pg.sql("UPDATE reminder SET next_due_at = now() WHERE kind = 'agenda'")

        def settled(n: int = n) -> bool:
            claimed = pg.sql("SELECT count(*) FROM reminder_delivery")[0][0]
            left = pg.sql("SELECT count(*) FROM reminder_delivery WHERE status IN ('claimed', 'enqueued')")[0][0]
            return claimed >= n and left == 0 and open_rows(pg) == 0

        ok = wait_until(settled, 1200, 2)
        took = time.time() - due
        for w in ws:
            w.stop()
        acc = fake.accepted()
        fake.close()
        per_channel = collections.Counter(a["channel"] for a in acc if a["channel"].startswith("DUC"))
        lat = [a["t"] - due for a in acc if a["channel"].startswith("DUC")]
        res = {"reminders": n, "processes": 2, "burst_429_s": burst, "settled": ok, "seconds": round(took, 1),
               "delivered_once": sum(1 for c in per_channel.values() if c == 1),
               "duplicated": sum(c - 1 for c in per_channel.values() if c > 1),
               "lost": n - len(per_channel),
               "due_to_delivery_s": {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "max": pct(lat, 1.0)},
               "switched_off": pg.sql("SELECT count(*) FROM reminder WHERE active = false")[0][0],
               "admin_notices": pg.sql("SELECT count(*) FROM reminder_notice")[0][0],
               "delivery_status": dict(pg.sql("SELECT status, count(*) FROM reminder_delivery GROUP BY status"))}
        log("reminders", name, res)
        out[name] = res
    return out


def _coordinators(pg: Postgres, n: int) -> None:
    from datetime import timedelta

    from sqlalchemy import insert

    from storage.models import RoleAssignment, utcnow
    from storage.reminders import Reminder

    core = core_for(pg)
    now = utcnow()
    with core.services.engine.begin() as conn:
        conn.execute(insert(RoleAssignment), [dict(org="ommen", role="coordinator", platform="slack",
                                                   user_id=f"UC{i:05d}", available=True, created_at=now)
                                              for i in range(n)]
                     + [dict(org="ommen", role="admin", platform="slack", user_id="UADMIN", available=True,
                             created_at=now)])
        conn.execute(insert(Reminder), [dict(org="ommen", kind="agenda", key="agenda", role="coordinator",
                                             platform="slack", user_id=f"UC{i:05d}", months="3,9", weekday="mon",
                                             time_of_day="09:00", every_years=1, active=True,
                                             next_due_at=now + timedelta(days=30), created_at=now, updated_at=now)
                                        for i in range(n)])
    core.services.engine.dispose()


def cost(pg: Postgres, quick: bool) -> dict:
    """An idle reminder tick (after the first) with 10 and 10 000 open cases: statements and ms."""
    from datetime import timedelta

    from sqlalchemy import event, insert

    from bot.reminder_service import ReminderService
    from handlers.reminders.schedule import ReminderConfig
    from storage.cases import Case
    from storage.models import RoleAssignment, utcnow

    out = {}
    for n in (10, 1000 if quick else 10000):
        pg.reset()
        core = core_for(pg)
        now = utcnow()
        with core.services.engine.begin() as conn:
            conn.execute(insert(RoleAssignment), [dict(org="ommen", role="trusted_person", platform="slack",
                                                       user_id="UTP", available=True, created_at=now)])
            conn.execute(insert(Case), [dict(id=f"case-{i}", org="ommen", pseudonym=f"P{i}", state="open",
                                             lang="nl", handoff_to=["slack:UTP"], created_at=now,
                                             handed_off_at=now - timedelta(hours=1), taken_by="slack:UTP",
                                             taken_at=now, last_employee_message_at=now) for i in range(n)])
        svc = ReminderService(core.services, ReminderConfig())
        t = time.perf_counter()
        svc.tick()
        first_ms = (time.perf_counter() - t) * 1000
        count = [0]

        def record(*_a: object, count: list[int] = count) -> None:
            count[0] += 1

        event.listen(core.services.engine, "before_cursor_execute", record)
        t = time.perf_counter()
        svc.tick()
        idle_ms = (time.perf_counter() - t) * 1000
        event.remove(core.services.engine, "before_cursor_execute", record)
        out[f"{n}_open_cases"] = {"first_tick_ms": round(first_ms), "tick_ms": round(idle_ms, 1),
                                  "tick_sql_statements": count[0]}
        log("cost", n, out[f"{n}_open_cases"])
        core.services.engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("steps", nargs="*", default=["drain", "faults", "reminders", "cost"])
    ap.add_argument("--quick", action="store_true", help="smaller loads (a few minutes in all)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "delivery_faults.json"))
    args = ap.parse_args()
    logdir = Path(tempfile.mkdtemp(prefix="itbot-bench-"))
    pg = Postgres()
    results: dict[str, Any] = {}
    from storage.crypto import Cipher

    workers.key = Cipher.new_key()  # type: ignore[attr-defined]
    try:
        for step in args.steps:
            log("step", step, "load", os.getloadavg())
            if step == "drain":
                results["drain"] = drain(pg, logdir, args.quick)
            elif step == "faults":
                results["faults"] = {f"{n}_processes": faults(pg, logdir, args.quick, n) for n in (2, 4)}
            elif step == "reminders":
                results["reminders"] = reminders(pg, logdir, args.quick)
            elif step == "cost":
                results["cost"] = cost(pg, args.quick)
    finally:
        for child in CHILDREN:
            if child.poll() is None:
                _end(child)
        pg.stop()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    _ = statistics  # (kept for readers extending the figures)


if __name__ == "__main__":
    main()

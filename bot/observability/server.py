"""A small HTTP server in a background thread: `/healthz` (JSON) and `/metrics` (Prometheus)."""

from __future__ import annotations

import json
import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from bot.observability.health import health
from bot.observability.instrument import instrument
from bot.observability.metrics import REGISTRY, DatabaseCollector, watch_reminder_clock
from bot.settings import Settings
from handlers.dispatcher import Core
from storage.errors import StartupError
from storage.models import utcnow

log = logging.getLogger(__name__)


class PortInUse(StartupError):
    """The health and metrics port is taken (another bot process on this machine?)."""


class _Both:
    """The process's counters and the database gauges, as one registry for the exposition."""

    def __init__(self, *registries: Any) -> None:
        self.registries = registries

    def collect(self):  # type: ignore[no-untyped-def]
        for registry in self.registries:
            yield from registry.collect()


class ObservabilityServer:
    """Serves until `close()`; `port` is the bound port (useful with port 0)."""

    def __init__(self, core: Core, host: str, port: int, reminders: Any = None, service: str = "bot") -> None:
        instrument(core)
        database = CollectorRegistry()
        database.register(DatabaseCollector(core.services.engine))
        exposition = _Both(REGISTRY, database)
        started_at = utcnow()
        engine = core.services.engine
        last_tick = (lambda: reminders.last_tick_at) if reminders is not None else None
        if last_tick is not None:
            watch_reminder_clock(last_tick)
        tick_seconds = float(getattr(getattr(reminders, "config", None), "tick_seconds", 30.0))

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(200, CONTENT_TYPE_LATEST, generate_latest(exposition))  # type: ignore[arg-type]
                elif path in ("/healthz", "/health"):
                    ok, report = health(engine, last_tick, tick_seconds, started_at)
                    report["service"] = service
                    self._send(200 if ok else 503, "application/json",
                               json.dumps(report).encode())
                else:
                    self._send(404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n")

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # scrapes are not news
                log.debug("observability: " + format, *args)

        try:
            self._server = ThreadingHTTPServer((host, port), Handler)
        except OSError as exc:
            raise PortInUse(f"Kan /healthz en /metrics niet aanbieden op {host}:{port} ({exc.strerror}): "
                            "kies een andere INTEGRITY_HEALTH_PORT (of laat hem leeg: uit).") from None
        self._server.daemon_threads = True
        self.host = host
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="observability", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_observability(core: Core, settings: Settings, reminders: Any = None,
                        service: str = "bot") -> ObservabilityServer | None:
    """Serve /healthz and /metrics when INTEGRITY_HEALTH_PORT is set; None otherwise.

    `reminders`: the process's ReminderService, if it runs one (its clock is then checked);
    `service`: a name for the report, e.g. "slack".
    """
    if settings.health_port is None:
        return None
    server = ObservabilityServer(core, settings.health_host, settings.health_port, reminders, service)
    print(f"Gezondheid en metrieken: http://{server.host}:{server.port}/healthz en /metrics",
          file=sys.stderr, flush=True)
    return server

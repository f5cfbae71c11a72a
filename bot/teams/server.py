"""Serving the messaging endpoint: the SDK's FastAPI app under uvicorn, on the configured host and port.

Runs in a thread of its own with its own event loop (the SDK is asynchronous; the core and the
outbox are not). Requests that are not JSON, or larger than a Bot Framework activity can be,
are refused before the SDK sees them (400, 413); the SDK refuses a missing or invalid token (401).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import warnings
from typing import Any

import uvicorn
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from bot.teams.app import TeamsBot, build_teams
from bot.teams.settings import TeamsSettings
from handlers.dispatcher import Core

with warnings.catch_warnings():  # the SDK announces its preview features on import
    warnings.simplefilter("ignore")
    from microsoft_teams.apps import FastAPIAdapter
    from microsoft_teams.apps.http.adapter import HttpRequest

log = logging.getLogger(__name__)

MAX_BODY = 512 * 1024  # an activity with a card is at most ~40 KB; Teams caps messages at ~28 KB


class GuardedAdapter(FastAPIAdapter):
    """The SDK's FastAPI adapter with a size limit and a clear answer to a body that is not JSON."""

    def register_route(self, method: Any, path: str, handler: Any) -> None:
        async def route(request: Request) -> Response:
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > MAX_BODY:
                return JSONResponse({"error": "Payload Too Large"}, status_code=413)
            chunks, size = [], 0
            async for chunk in request.stream():  # also bounded without a Content-Length (chunked)
                size += len(chunk)
                if size > MAX_BODY:
                    return JSONResponse({"error": "Payload Too Large"}, status_code=413)
                chunks.append(chunk)
            raw = b"".join(chunks)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                return JSONResponse({"error": "a JSON activity is expected"}, status_code=400)
            result = await handler(HttpRequest(body=body, headers=dict(request.headers)))
            if result.get("body") is not None:
                return JSONResponse(result["body"], status_code=result["status"])
            return Response(status_code=result["status"])

        if method != "POST":
            raise ValueError(f"unsupported method {method}")
        self.app.post(path)(route)


class TeamsServer:
    """The endpoint, the outbox sender and its loop, running until `stop()`."""

    def __init__(self, core: Core, settings: TeamsSettings, host: str | None = None,
                 port: int | None = None) -> None:
        self.host = host if host is not None else settings.host
        self.settings = settings

        def factory(fastapi: Any) -> uvicorn.Server:
            config = uvicorn.Config(app=fastapi, host=self.host, port=port if port is not None else settings.port,
                                    log_level="warning", access_log=False, lifespan="off")
            return uvicorn.Server(config)

        self.adapter = GuardedAdapter(server_factory=factory)
        self.bot: TeamsBot = build_teams(core, settings, self.adapter)
        self._started = threading.Event()
        self._failed: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.event_loop: asyncio.AbstractEventLoop | None = None

    @property
    def port(self) -> int:
        server = self.adapter._server
        assert server is not None and server.servers, "the server is not running"
        return int(server.servers[0].sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.settings.path}"

    def start(self, timeout: float = 30.0) -> None:
        """Serve in a background thread; returns once the port is open (raises what stopped it)."""
        self._thread = threading.Thread(target=self._run, name="teams-endpoint", daemon=True)
        self._thread.start()
        self._started.wait(timeout)
        if self._failed is not None:
            raise self._failed
        if not self._started.is_set():
            raise TimeoutError("the Teams endpoint did not start")

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except SystemExit:  # uvicorn's way of saying it could not listen
            self._failed = OSError(f"kan niet luisteren op {self.host}:{self.adapter._server.config.port}"
                                   if self.adapter._server else "kan niet luisteren")
            self._started.set()
        except BaseException as exc:
            self._failed = exc
            self._started.set()

    async def _serve(self) -> None:
        app = self.bot.app
        self.event_loop = asyncio.get_running_loop()
        await app.initialize()
        self.bot.start_sending(self.event_loop)
        server = self.adapter._server
        assert server is not None
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if task.done() and not server.started:
            await task  # raises why it did not start
            raise OSError(f"cannot listen on {self.host}:{server.config.port}")
        self._started.set()
        await task

    def serve_forever(self) -> None:
        """Block until the server stops (Ctrl-C / SIGTERM call stop())."""
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        server = self.adapter._server
        if server is not None:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.bot.stop_sending()

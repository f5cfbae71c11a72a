"""Health and metrics of a long-running process: `/healthz` and Prometheus `/metrics`.

A transport (Slack, Telegram, Teams, the web page, `reminders run`) calls
`start_observability(core, settings, reminders)` once it runs; it serves both pages on
INTEGRITY_HEALTH_HOST:INTEGRITY_HEALTH_PORT in a background thread (nothing when the port is
not set) and returns the server, to `close()` at shutdown. No label ever holds message text
or a user id: platforms, intents, topics and organisations are closed lists.
"""

from bot.observability.server import ObservabilityServer, start_observability

__all__ = ["ObservabilityServer", "start_observability"]

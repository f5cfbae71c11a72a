# The Integriteitsbot as a container: the wheel and its dependencies, no compiler, no root.
#   docker build -t integriteitsbot .
#   docker run --rm --env-file .env integriteitsbot chat --org ommen      (see compose.yaml)
# Building needs the package registry (PyPI) only.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY storage ./storage
# The bot's own wheel plus a wheel of every dependency (PostgreSQL driver included).
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres]"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data && chmod 700 /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "integrity-bot[postgres]" && rm -rf /wheels
USER bot
WORKDIR /data
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    INTEGRITY_DATA_DIR=/data \
    INTEGRITY_HEALTH_HOST=0.0.0.0 \
    INTEGRITY_HEALTH_PORT=9464
EXPOSE 9464
# Long-running commands (slack, telegram, reminders run) answer /healthz; others have no port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('INTEGRITY_HEALTH_PORT', '9464'), timeout=4)"
ENTRYPOINT ["integrity-bot"]
CMD ["--help"]

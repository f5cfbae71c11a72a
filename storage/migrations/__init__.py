"""Alembic migrations of the bot's database: `env.py`, the revision template and `versions/`.

They ship inside the package (the wheel and the container carry them), and run through
`storage.schema` — `integrity-bot db upgrade`, or at start with INTEGRITY_DATABASE_AUTO_UPGRADE —
never through an alembic.ini. A new revision: `integrity-bot db revision -m "what changed"`.
"""

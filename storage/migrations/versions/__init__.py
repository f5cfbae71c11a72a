"""The revisions, oldest first by their `down_revision` chain (alembic skips this file)."""

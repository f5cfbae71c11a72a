"""Faults of a deployment that an administrator fixes, not a user.

Any layer raises a `StartupError` (or a subclass) with a message of one or two plain lines that
names the fix; the command line prints it and exits non-zero instead of showing a traceback.
"""

from __future__ import annotations


class StartupError(Exception):
    """A configuration or environment fault found while starting; its message is for the administrator."""

"""What the schema check and the migrations cost at start (run: .venv/bin/python bench/schema_check.py).

Prints: a fresh SQLite database created through the migrations, the check of an up-to-date
database in a new process (the price every start pays), and `integrity-bot --version`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.db import make_engine  # noqa: E402


def _ms(seconds: list[float]) -> str:
    return f"median {1000 * statistics.median(seconds):.1f} ms, max {1000 * max(seconds):.1f} ms"


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="itbot-bench-"))
    make_engine(f"sqlite:///{scratch / 'warm.db'}").dispose()
    fresh = []
    for i in range(20):
        start = time.perf_counter()
        make_engine(f"sqlite:///{scratch / f'fresh{i}.db'}").dispose()
        fresh.append(time.perf_counter() - start)
    print(f"fresh database through the migrations (20): {_ms(fresh)}")
    probe = ("import sys, time; from storage import models, cases, reminders; t = time.perf_counter(); "
             "from storage.db import make_engine; make_engine(sys.argv[1]); print(time.perf_counter() - t)")
    checks = [float(subprocess.run([sys.executable, "-c", probe, f"sqlite:///{scratch / 'warm.db'}"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout) for _ in range(5)]
    print(f"schema check of an up-to-date database, new process (5): {_ms(checks)}")
    version = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "--version"], cwd=ROOT, capture_output=True, check=True)
        version.append(time.perf_counter() - start)
    print(f"integrity-bot --version (3): {_ms(version)}")


if __name__ == "__main__":
    main()

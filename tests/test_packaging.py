"""The wheel an administrator installs runs on its own: built from a copy of the sources,
installed in a fresh virtual environment outside the checkout, then chatted with.

The fresh environment borrows the already installed dependencies (a path file pointing at this
interpreter's site-packages, whose own .pth files — the editable install — are not processed),
so the test needs no network and installs only the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "knowledge", "handlers", "storage")
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
                              ".pytest_cache", ".ruff_cache", ".hypothesis", "tests", "bench", "*.db")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src") / "integrity-bot"
    shutil.copytree(ROOT, src, ignore=SKIP)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(src)], check=True, capture_output=True, text=True)
    (found,) = out.glob("integrity_bot-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `integrity-bot` script of a fresh venv holding the wheel and nothing of the checkout."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site,) = venv.glob("lib/python*/site-packages")
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True, text=True)
    return venv / "bin" / "integrity-bot"


def _data_files() -> set[str]:
    """Every file under the packages that is not Python source: all of it is read at run time."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_the_wheel_carries_every_data_file_of_the_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "knowledge/vocabulary.txt" in names
    assert "storage/migrations/env.py" in names and "storage/migrations/script.py.mako" in names
    assert any(n.startswith("storage/migrations/versions/") and n.endswith("_baseline.py") for n in names)
    missing = _data_files() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert any(n.endswith("dist-info/licenses/LICENSE") for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("dist-info/METADATA")))
    assert b"License-Expression: EUPL-1.2" in metadata


def test_the_installed_wheel_answers_in_the_console(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTEGRITY_", "SLACK_", "TELEGRAM_"))}
    env.update(HOME=str(tmp_path), INTEGRITY_DATA_DIR=str(tmp_path / "data"), PYTHONPATH="")
    lines = [{"user": "u1", "text": "Mag ik een fles wijn van € 80 van een leverancier aannemen?"},
             {"user": "u1", "text": "Een collega pest mij, waar kan ik dat melden?"}]
    run = subprocess.run([str(installed), "chat", "--org", "ommen", "--jsonl"], cwd=tmp_path, env=env,
                         input="".join(json.dumps(x) + "\n" for x in lines), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == 2
    first = [r["answer"] for r in out[0]["replies"] if r.get("answer")][-1]
    assert first["intent"] == "rule" and first["topic"] == "gifts" and first["verdict"] == "not_allowed"
    second = [r["answer"] for r in out[1]["replies"] if r.get("answer")][-1]
    assert second["intent"] == "route"
    version = subprocess.run([str(installed), "--version"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("integrity-bot 0.1.0 (schema ")
    # really the installed copy, not the checkout
    where = subprocess.run([str(installed.parent / "python"), "-c", "import knowledge; print(knowledge.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in where and "site-packages" in where

"""The container recipe agrees with the program: no Docker engine is needed to check that.

`compose.yaml` only runs commands the CLI has, reads only variables `.env.example` documents, and
sets only settings that exist; the `Dockerfile` copies every package the wheel is built from and
drops root. (Building the image itself needs an engine; its steps are those of the wheel test.)
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.cli import build_parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
BOT_SERVICES = {name: svc for name, svc in COMPOSE["services"].items() if svc.get("image", "").startswith("integ")}


def test_there_is_a_database_a_migration_and_one_service_per_transport() -> None:
    assert COMPOSE["services"]["db"]["image"].startswith("postgres:")
    assert BOT_SERVICES["migrate"]["command"] == ["db", "upgrade"]
    for transport in ("slack", "telegram"):
        svc = BOT_SERVICES[transport]
        assert svc["command"] == [transport]
        assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert svc["env_file"] == ".env"


@pytest.mark.parametrize("name", sorted(BOT_SERVICES))
def test_every_service_runs_a_command_the_cli_has(name: str) -> None:
    command = BOT_SERVICES[name]["command"]
    try:
        args = build_parser().parse_args(command)
    except SystemExit as done:  # --help
        assert done.code == 0
        return
    assert callable(args.func)


def test_compose_reads_only_documented_variables_and_sets_only_real_settings() -> None:
    text = (ROOT / "compose.yaml").read_text()
    example = (ROOT / ".env.example").read_text()
    for variable in set(re.findall(r"\$\{(\w+)", text)):
        assert re.search(rf"^{variable}=", example, re.M), f"{variable} is not in .env.example"
    settings = {f"INTEGRITY_{name}".upper() for name in Settings.model_fields}
    for svc in BOT_SERVICES.values():
        for key in svc["environment"]:
            assert key in settings, key


def test_the_dockerfile_copies_every_package_and_drops_root() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\w+) \./\1$", DOCKERFILE, re.M))
    assert copied == packages
    for needed in ("pyproject.toml", "README.md", "LICENSE"):
        assert re.search(rf"^COPY .*\b{re.escape(needed)}\b", DOCKERFILE, re.M)
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and users[-1] not in ("root", "0")
    assert 'ENTRYPOINT ["integrity-bot"]' in DOCKERFILE

"""The Teams app package a tenant administrator uploads: manifest.json, an English localisation, two icons.

The icons are drawn here (a white shield with a check mark), so the package needs no image files
or imaging library: a colour icon of 192×192 on the accent colour and a 32×32 outline icon
(white on transparent), as Teams requires. Commands are Dutch; the en-us localisation gives
English Teams clients the English titles (the bot understands both).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

MANIFEST_VERSION = "1.17"
SCHEMA = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = (f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/"
                       "MicrosoftTeams.Localization.schema.json")
ACCENT = (0x1F, 0x5F, 0x8B)  # a calm blue

# (Dutch title, Dutch description, English title, English description); titles are what gets sent.
PERSONAL_COMMANDS = [
    ("help", "Wat je mij kunt vragen", "help", "What you can ask me"),
    ("Ik wil iets melden", "Waar en hoe meld ik iets?", "I want to report something", "Where and how to report"),
    ("/vertrouwenspersoon", "Vertrouwelijk praten met een vertrouwenspersoon", "/trustedperson",
     "Talk confidentially to a trusted person"),
    ("herinneringen", "Je herinneringen (coördinatoren, vertrouwenspersonen)", "reminders",
     "Your reminders (coordinators, trusted persons)"),
    ("gesprekken", "Open vertrouwelijke gesprekken (vertrouwenspersonen)", "gesprekken",
     "Open confidential conversations (trusted persons)"),
    ("mijnid", "Je gebruikers-ID, voor de beheerder", "my id", "Your user ID, for the administrator"),
]
TEAM_COMMANDS = PERSONAL_COMMANDS[:2]


@dataclass(frozen=True)
class PackageInfo:
    """What the administrator fills in about their deployment."""

    app_id: str
    developer: str = "Integriteitsbot"
    website_url: str = "https://github.com/integriteitsbot"
    privacy_url: str = "https://github.com/integriteitsbot"
    terms_url: str = "https://github.com/integriteitsbot"
    short_name: str = "Integriteitsbot"


def _app_version() -> str:
    try:
        return version("integrity-bot")
    except PackageNotFoundError:
        return "0.1.0"


def _commands(items: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [{"title": nl, "description": desc} for nl, desc, _, _ in items]


def manifest(info: PackageInfo) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": _app_version(),
        "id": info.app_id,
        "developer": {"name": info.developer, "websiteUrl": info.website_url, "privacyUrl": info.privacy_url,
                      "termsOfUseUrl": info.terms_url},
        "name": {"short": info.short_name[:30], "full": "Integriteitsbot: vragen, meldroutes en vertrouwenspersonen"},
        "description": {
            "short": "Vragen over integriteit, waar je iets meldt, en een vertrouwenspersoon",
            "full": ("Stel je vraag over integriteit op het werk (mag ik dit aannemen?) en krijg antwoord uit de "
                     "eigen regeling van je organisatie, met de bron. De bot wijst je de weg als je iets wilt "
                     "melden en brengt je vertrouwelijk in contact met een vertrouwenspersoon. Let op: Teams-"
                     "chats vallen onder het bewaarbeleid en eDiscovery van je organisatie."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{
            "botId": info.app_id,
            "scopes": ["personal", "team"],
            "supportsFiles": False,
            "isNotificationOnly": False,
            "commandLists": [{"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                             {"scopes": ["team"], "commands": _commands(TEAM_COMMANDS)}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
        "localizationInfo": {"defaultLanguageTag": "nl-nl",
                             "additionalLanguages": [{"languageTag": "en-us", "file": "en-us.json"}]},
    }


def english(info: PackageInfo) -> dict[str, Any]:
    """The en-us localisation file: names, descriptions and command titles in English."""
    doc: dict[str, Any] = {
        "$schema": LOCALIZATION_SCHEMA,
        "name.short": info.short_name[:30],
        "name.full": "Integrity bot: questions, reporting routes and trusted persons",
        "description.short": "Integrity questions, where to report, and a trusted person",
        "description.full": ("Ask your question about integrity at work (may I accept this?) and get the answer "
                             "from your organisation's own code, with the source. The bot shows you where to "
                             "report and puts you in confidential contact with a trusted person. Note: Teams "
                             "chats fall under your organisation's retention policy and eDiscovery."),
    }
    for list_index, items in ((0, PERSONAL_COMMANDS), (1, TEAM_COMMANDS)):
        for i, (_, _, title, desc) in enumerate(items):
            prefix = f"bots[0].commandLists[{list_index}].commands[{i}]"
            doc[f"{prefix}.title"] = title
            doc[f"{prefix}.description"] = desc
    return doc


# --- icons --------------------------------------------------------------------------------------

def _png(width: int, height: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """An RGBA PNG from rows of pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _in_shield(x: float, y: float) -> bool:
    """A shield in the unit square: straight top half, rounded point below."""
    if not (0.2 <= x <= 0.8 and 0.15 <= y <= 0.88):
        return False
    if y <= 0.5:
        return True
    half = 0.3 * (1 - ((y - 0.5) / 0.38) ** 2) ** 0.5  # an elliptic curve to the point
    return abs(x - 0.5) <= half


def _in_check(x: float, y: float) -> bool:
    """A check mark inside the shield."""
    def near(ax: float, ay: float, bx: float, by: float) -> bool:
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        return ((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2) ** 0.5 <= 0.045
    return near(0.36, 0.48, 0.47, 0.6) or near(0.47, 0.6, 0.66, 0.36)


def icon(size: int, outline: bool) -> bytes:
    """The colour icon (accent background, white shield, accent check) or the white outline icon."""
    white, clear = (255, 255, 255, 255), (0, 0, 0, 0)
    accent = (*ACCENT, 255)
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            x, y = (px + 0.5) / size, (py + 0.5) / size
            if outline:
                row.append(white if _in_shield(x, y) and not _in_check(x, y) else clear)
            elif _in_shield(x, y):
                row.append(accent if _in_check(x, y) else white)
            else:
                row.append(accent)
        rows.append(row)
    return _png(size, size, rows)


def package(info: PackageInfo) -> bytes:
    """The zip Teams accepts: manifest.json, en-us.json and the icons at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest(info), ensure_ascii=False, indent=2))
        zf.writestr("en-us.json", json.dumps(english(info), ensure_ascii=False, indent=2))
        zf.writestr("color.png", icon(192, outline=False))
        zf.writestr("outline.png", icon(32, outline=True))
    return buffer.getvalue()


def write_package(info: PackageInfo, path: Path) -> Path:
    path.write_bytes(package(info))
    return path

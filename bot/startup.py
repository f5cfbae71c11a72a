"""What a process checks before it serves anyone: which organisation, and a usable key.

Each fault is a `StartupError` whose message (one or two lines, in Dutch, the administrator's
language) names the fix; `bot.cli.main` prints it and exits non-zero, without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from bot.settings import Settings
from storage.crypto import Cipher, MissingKeyError
from storage.errors import StartupError

KEYGEN = "integrity-bot admin keygen"


class NoOrganisation(StartupError):
    """A transport that serves users was started without naming its organisation."""


class UnknownOrganisation(StartupError):
    """The organisation named is not in the knowledge base."""


class EncryptionKeyError(StartupError):
    """INTEGRITY_ENCRYPTION_KEYS is missing where it is needed, or holds something that is no key."""


def org_slug(value: str) -> str:
    """Slugs are lower case; what an administrator types may not be (`--org Ommen`)."""
    return value.strip().lower()


def require_org(known: Iterable[str], slug: str | None, how: str) -> str:
    """The organisation to serve; `how` says where to name it, e.g. '--org ORG of INTEGRITY_DEFAULT_ORG'."""
    names = sorted(known)
    if not slug or not slug.strip():
        raise NoOrganisation(f"Geen organisatie gekozen: geef {how}.\nBekende organisaties: {', '.join(names)}")
    wanted = org_slug(slug)
    for name in names:
        if name.lower() == wanted:
            return name
    raise UnknownOrganisation(f"Onbekende organisatie '{slug}'. Kies uit: {', '.join(names)}")


def check_keys(settings: Settings, required: bool) -> Cipher | None:
    """The cipher of INTEGRITY_ENCRYPTION_KEYS; a key that is no key always stops the start, a
    missing one when `required` (a transport where employees can ask for a trusted person)."""
    keys = settings.keys()
    if not keys:
        if required:
            raise EncryptionKeyError("INTEGRITY_ENCRYPTION_KEYS is leeg: zonder sleutel kan niemand vertrouwelijk "
                                     f"met een vertrouwenspersoon praten.\nMaak een sleutel met: {KEYGEN}")
        return None
    try:
        return Cipher(keys)
    except MissingKeyError:
        raise EncryptionKeyError("INTEGRITY_ENCRYPTION_KEYS bevat iets dat geen geldige sleutel is "
                                 f"(een sleutel is 44 tekens, base64).\nMaak een sleutel met: {KEYGEN}") from None


def settings_problem(exc: ValidationError, prefix: str = "INTEGRITY_") -> str:
    """One line per wrong setting, named as in .env ('INTEGRITY_REMINDER_TIME: ongeldige waarde ...')."""
    lines = ["Deze instellingen kloppen niet (.env.example zegt per instelling wat kan):"]
    for error in exc.errors():
        name = prefix + "_".join(str(part) for part in error["loc"]).upper()
        lines.append(f"  {name}: ongeldige waarde {error.get('input')!r}")
    return "\n".join(lines)

"""The words an answer rests on, shown on request: the 'Toon de tekst' button and its reply.

Every answer built from a grounded entry (a situation, a route or one of its variants, an info
item) carries a button whose id names that entry, e.g. `quote:rule:gifts:money`. The id is
self-contained, so the button works after a restart or days later, and short enough for every
platform (Telegram allows 64 bytes of callback data).
"""

from __future__ import annotations

from knowledge.answer import Option
from knowledge.phrases import phrase
from knowledge.schema import Grounded, National, Organisation, Source

QUOTE = "quote"
MORE = "more"
MAX_ID_BYTES = 64


def quote_option(ref: str, lang: str) -> Option:
    """The 'Toon de tekst' button for the entry `ref` ('rule:gifts:money', 'route:crime', 'info:oath')."""
    return Option(f"{QUOTE}:{ref}", phrase("show_text", lang))


def resolve(org: Organisation, national: National | None, ref: str) -> tuple[Grounded, list[Source]] | None:
    """The grounded entry an id names, with its sources (main first); None when it is gone."""
    kind, _, rest = ref.partition(":")
    if kind == "rule":
        topic, _, sid = rest.partition(":")
        spec = org.topics.get(topic)  # type: ignore[call-overload]
        s = next((s for s in spec.situations if s.id == sid), None) if spec else None
        return (s, [s.source, *s.also_sources]) if s else None
    if kind == "route":
        rtype, _, vid = rest.partition(":")
        route = org.routes.get(rtype)  # type: ignore[call-overload]
        if route is None:
            return None
        variant = next((v for v in route.variants if v.id == vid), None) if vid else None
        if variant is not None:
            merged = variant.model_copy(update={"quote": [*variant.quote, *route.quote]})
            return merged, [variant.source, route.source, *route.also_sources]
        return route, [route.source, *route.also_sources]
    if kind == "info":
        item = next((i for i in [*org.info, *(national.info if national else [])] if i.id == rest), None)
        return (item, [item.source]) if item else None
    return None

"""Fact extraction: the things a verdict turns on, read from what the user typed.

Amounts come in every form people type ("€ 25", "25,-", "€49,95", "vijfentwintig euro",
"een tientje", "2 tientjes", "rond de 60", "under 50"); the other facts (cash, sent home,
during a tender, how often, shared openly, who offers it) come from phrases. Everything works
on normalised text (see normalize.py) and is pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from knowledge.normalize import tokens

INF = float("inf")


@dataclass(frozen=True)
class Facts:
    """What is known about the situation. None means: not said (yet)."""

    value_low: float | None = None
    value_high: float | None = None
    cash: bool = False
    voucher: bool = False
    sent_home: bool = False
    during_tender: bool = False
    recurring: bool = False
    shared_openly: bool = False
    manager_involved: bool = False
    anonymous: bool = False  # the reporter wants to stay unknown ("kan het zonder mijn naam?")
    giver: str | None = None
    value_unknowable: bool = False  # the user said they do not know the value
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def has_value(self) -> bool:
        return self.value_low is not None

    def merged(self, newer: Facts) -> Facts:
        """Facts from a follow-up message added to those already gathered."""
        out = self
        if newer.has_value:
            out = replace(out, value_low=newer.value_low, value_high=newer.value_high,
                          value_unknowable=False)
        elif newer.value_unknowable:
            out = replace(out, value_unknowable=True)
        for flag in ("cash", "voucher", "sent_home", "during_tender", "recurring",
                     "shared_openly", "manager_involved", "anonymous"):
            if getattr(newer, flag):
                out = replace(out, **{flag: True})
        if newer.giver:
            out = replace(out, giver=newer.giver)
        return out

    def to_dict(self) -> dict:
        """JSON-safe form for storage (infinity becomes None)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "extra"}
        if d["value_high"] == INF:
            d["value_high"] = None
            d["value_open_ended"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict | None) -> Facts:
        if not d:
            return cls()
        d = dict(d)
        if d.pop("value_open_ended", False):
            d["value_high"] = INF
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


# --- numbers -------------------------------------------------------------------------------

_NL_UNITS = {"een": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
             "zeven": 7, "acht": 8, "negen": 9}
_NL_TEENS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
             "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19}
_NL_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
            "zeventig": 70, "tachtig": 80, "negentig": 90}
_EN_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
             "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
             "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
             "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a": 1}


def dutch_number(word: str) -> int | None:
    """'vijfentwintig' → 25, 'honderdvijftig' → 150, 'tweehonderd' → 200; else None."""
    if not word:
        return None
    if word == "duizend":
        return 1000
    for big, mult in (("duizend", 1000), ("honderd", 100)):
        if big in word:
            head, _, tail = word.partition(big)
            h = 1 if head in ("", "een") else dutch_number(head)
            t = 0 if tail == "" else dutch_number(tail.removeprefix("en"))
            if h is None or t is None:
                return None
            return h * mult + t
    if word in _NL_UNITS:
        return _NL_UNITS[word]
    if word in _NL_TEENS:
        return _NL_TEENS[word]
    if word in _NL_TENS:
        return _NL_TENS[word]
    for tens_word, tens in _NL_TENS.items():
        if word.endswith("en" + tens_word):
            unit = _NL_UNITS.get(word[: -len("en" + tens_word)].rstrip("e") or "x")
            unit = unit or _NL_UNITS.get(word[: -len("en" + tens_word)])
            if unit:
                return tens + unit
    return None


def english_number(words: list[str]) -> int | None:
    """'twenty five' / 'twenty-five' / 'a hundred' → number; else None."""
    total, seen = 0, False
    for w in words:
        for part in w.split("-"):
            if part not in _EN_SMALL:
                return None
            n = _EN_SMALL[part]
            if n == 100:
                total = max(total, 1) * 100
            else:
                total += n
            seen = True
    return total if seen and total > 0 else None


def _number(text: str) -> float | None:
    """A written number: digits with Dutch or English separators, or a number word."""
    t = text.strip().rstrip(",.-")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", t):  # 1.250,50
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", t):  # 1,250.50
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d+(?:[.,]\d{1,2})?", t):
        return float(t.replace(",", "."))
    n = dutch_number(t)
    if n is None:
        n = english_number(t.split())
    return float(n) if n is not None else None


# --- amounts -------------------------------------------------------------------------------

_NUM = r"(\d[\d.,]*|[a-z]+(?:[ -][a-z]+)?)"
_CURRENCY_AFTER = re.compile(_NUM + r"\s*(?:,-|euro'?s?\b|eur\b|€|bucks\b|quid\b)")
_CURRENCY_BEFORE = re.compile(r"(?:€|eur\b|euro\b)\s*(\d[\d.,]*)")
_COINS = re.compile(r"\b(?:(een|1|twee|2|drie|3|vier|4|vijf|5|paar)\s+)?"
                    r"(tientjes?|vijfjes?|honderdjes?|briefjes? van (\d+))\b")
_APPROX_BARE = re.compile(
    r"\b(?:ongeveer|rond de|rond|zo'n|zon|circa|ca|ca\.|ruim|bijna|schat|about|around|roughly"
    r"|approximately|approx|worth)\s+(?:€\s*)?(\d[\d.,]*)(?!\s*(?:keer|jaar|uur|minuten|dagen|weken"
    r"|maanden|procent|%|times|years|hours|days|weeks|months|collega|personen|mensen|people))")
_BOUND_BELOW = re.compile(
    r"\b(?:onder de|onder|minder dan|less than|under|below|hooguit|maximaal|max|at most)\s+€?\s*$")
_BOUND_ABOVE = re.compile(r"\b(?:boven de|boven|meer dan|more than|over|above|minstens|ruim|at least)\s+€?\s*$")
_RANGE = re.compile(r"\btussen (?:de )?€?\s*(\d[\d.,]*)\s*(?:euro\s*)?en\s*€?\s*(\d[\d.,]*)|"
                    r"\bbetween €?\s*(\d[\d.,]*)\s*(?:euros?\s*)?and\s*€?\s*(\d[\d.,]*)")
_EURO_OR_SO = re.compile(r"\beuro of (\d[\d.,]*|[a-z]+)\b")
_BARE_NUMBER = re.compile(r"^\D{0,40}?(\d[\d.,]*)\D{0,30}$")
_DONT_KNOW = re.compile(
    r"\b(weet (ik )?(het )?niet|geen idee|geen flauw idee|onbekend|kan ik niet (zien|schatten)"
    r"|weet niet|no idea|don'?t know|do not know|not sure|unknown|cannot tell)\b")


def _bounded(text: str, start: int, value: float) -> tuple[float, float]:
    """Apply 'onder de' / 'meer dan' words standing right before an amount."""
    before = text[max(0, start - 20):start]
    if _BOUND_BELOW.search(before):
        strict = re.search(r"(onder|minder|less|under|below)", before) is not None
        return 0.0, value - 0.01 if strict else value
    if _BOUND_ABOVE.search(before):
        strict = re.search(r"(boven|meer|more|over|above|ruim)", before) is not None
        return value + 0.01 if strict else value, INF
    return value, value


def extract_amount(text: str, expecting_value: bool = False) -> tuple[float, float] | None:
    """The euro value the text states, as (low, high); None if it states none.

    `expecting_value`: the bot just asked for the value, so a bare number ("60", "ik schat 60")
    counts as euros too.
    """
    m = _EURO_OR_SO.search(text)  # "een euro of 25": about 25
    if m:
        value = _number(m.group(1))
        if value is not None:
            return value, value
    m = _RANGE.search(text)
    if m:
        lo, hi = (g for g in m.groups() if g is not None)
        a, b = _number(lo), _number(hi)
        if a is not None and b is not None:
            return min(a, b), max(a, b)
    m = _COINS.search(text)
    if m:
        count_word, coin, note = m.group(1), m.group(2), m.group(3)
        if note:
            unit = float(note)
        else:
            unit = {"tientje": 10.0, "vijfje": 5.0, "honderdje": 100.0}[coin.rstrip("s")]
        count = {"paar": 3}.get(count_word or "een")
        if count is None:
            count = int(_number(count_word or "een") or 1)
        return _bounded(text, m.start(), unit * count)
    for pattern in (_CURRENCY_BEFORE, _CURRENCY_AFTER):
        for m in pattern.finditer(text):
            raw = m.group(1)
            value = _number(raw)
            if value is None and " " in raw:  # "bottle of twenty" → take the last word
                value = _number(raw.split()[-1])
            if value is not None and value > 0:
                return _bounded(text, m.start(), value)
    m = _APPROX_BARE.search(text)
    if m:
        value = _number(m.group(1))
        if value is not None:
            return value, value
    if expecting_value:
        m = _BARE_NUMBER.match(text)
        if m:
            value = _number(m.group(1))
            if value is not None:
                return _bounded(text, m.start(1), value)
        words = tokens(text)
        for i in range(len(words)):
            for j in (2, 1):
                chunk = words[i:i + j]
                n = dutch_number(chunk[0]) if j == 1 else english_number(chunk)
                if n is not None and chunk[0] not in ("een", "a"):
                    return float(n), float(n)
    return None


# --- other facts ---------------------------------------------------------------------------

def _any(text: str, pattern: str) -> bool:
    return re.search(pattern, text) is not None


_CASH_NOTES = (r"\b(tientjes?|vijfjes?|briefjes?|biljet\w*|envelop\w*|munt(en|jes)|muntstuk\w*|kleingeld|"
               r"envelope|banknotes?|coins?)\b")  # money, unless naming a value
_CASH = (r"\b(contant\w*|cash|geld\b|geldbedrag|bankoverschrijving|overmaken|overgemaakt|fooi|tikkie|"
         r"bankrekening|bank account|op (mijn|m'n) rekening|toegestopt|toestoppen|stopte\b.{0,40}\btoe\b|"
         r"in (mijn|m'n) hand(en)? (ge)?drukt|drukte\b.{0,40}\bin (mijn|m'n) hand|"
         r"envelop(je)? met|money|tip\b|bank transfer|transfer(red)? to my|slipped me)")
# An amount that is itself the gift ("hij gaf me 20 euro"), not the value of a thing ("wijn van 20 euro").
_MONEY_GIVEN = re.compile(
    r"\b(gaf|geeft|geven|gegeven|kreeg|krijg|krijgen|gekregen|bood|biedt|bieden|aangeboden|schenkt|schonk|"
    r"gave|give[ns]?|offered|offers?|got|received?)\s+((ik|me|mij|ons|je|jou|hem|haar|er|me an?|us)\s+)?"
    r"(zomaar\s+|even\s+|gewoon\s+|wel\s+)?(€\s?\d|eur\s?\d|\d+([.,]\d+)?\s?(euro|eur|,-)|(een|twee|drie|vijf|tien|"
    r"twintig|vijftig)\s(euro|tientjes?|vijfjes?))")
_VOUCHER = r"(cadeaubon|kadobon|cadeaukaart|waardebon|tegoedbon|bioscoopbon|boekenbon|vvv|gift ?card|voucher)"
_HOME = (r"(huisadres|thuisadres|\bthuis\b|naar (mijn|m'n|ons) huis|bij mij (aan de deur|thuis)|"
         r"home address|to my home|at (my )?home|to my house|at my door)")
_TENDER = (r"\b(aanbested\w*|offerte(aanvraag|traject|periode|procedure)?|onderhandel\w*|inschrijv\w*|"
           r"gunning\w*|meeding\w*|tender\w*|negotiat\w*|bidding|bidder|procurement|"
           r"request for (quotation|proposal))")
_RECURRING = (r"(elke|iedere) (week|dag|maand|keer|ochtend|middag|maandag|dinsdag|woensdag|donderdag|vrijdag)|"
              r"every (monday|tuesday|wednesday|thursday|friday)|wekelijks|maandelijks|dagelijks|steeds (weer|vaker)?|"
              r"telkens|regelmatig|keer op keer|every (week|day|month|time)|weekly|daily|monthly|"
              r"all the time|regularly|again and again")
_SHARED = (r"(met (al )?(mijn |m'n |de |alle )?(collega|team|afdeling)\w*|kantine|pantry|koffiehoek|koffiekamer|"
           r"koffieautomaat|iedereen (op|van) de afdeling|iedereen pakt|iedereen kan pakken|"
           r"voor (het hele |ons |mijn |de hele )?(team|afdeling|iedereen)|trakte\w*|uitdelen|"
           r"shared? (it )?with|for (the|our|my) (whole )?(team|department|office)|for everyone|"
           r"(share|shared) (it )?(openly|with))")
_MANAGER = (r"(mijn|m'n|mn|onze|de) (eigen )?(leidinggevende|manager|baas|chef|coordinator|teamleider|"
            r"afdelingshoofd|directeur|gemeentesecretaris|teammanager)|leiding zelf|de leiding"
            r"|my (own )?(manager|boss|supervisor|team ?lead(er)?|director)|management itself")
_ANONYMOUS = (r"(anoniem|zonder (mijn|m'n|mn) naam|mijn naam (niet|geheim)|naam niet (genoemd|bekend)|"
              r"(niet|niemand) (mag )?weten dat ik|erachter komt dat ik|achter komt dat ik|"
              r"onbekend blijven|geheim blijven dat ik|anonymous\w*|without (giving )?my name|"
              r"(nobody|no one) (will )?knows? (it was|that i)|stay unknown|keep my name)")
_GIVERS = (
    ("citizen", r"(inwoner|burger|bewoner|klant|client|aanvrager|resident|citizen|customer|"
                r"member of the public|bezoeker|visitor)"),
    ("colleague", r"\b(collega|colleague)"),
    ("supplier", r"(leverancier|aannemer|bureau|bedrijf|firma|onderneming|drukker|adviseur|koerier|accountmanager|"
                 r"vertegenwoordiger|"
                 r"opdrachtnemer|partner|supplier|contractor|vendor|company|firm|consultan)"),
)


_CHANNEL_WORD = re.compile(r"\b(via|bij|naar|aan|met|to|with|through|tell)\s+$")


def _manager_involved(text: str) -> bool:
    """The manager is part of the problem, not merely the place to report ('via mijn leidinggevende')."""
    for m in re.finditer(_MANAGER, text):
        if not _CHANNEL_WORD.search(text[max(0, m.start() - 12):m.start()]):
            return True
    return False


_VALUE_OF = re.compile(
    r"(van|ter waarde van|kost|kostte|waard|of|ongeveer|zo'n|max|maximaal)\s+(een |twee |drie |\d+ )?$")


def _notes_given(text: str) -> bool:
    """Banknotes as the gift ("twee tientjes in een envelop"), not as its value ("bonbons van een tientje")."""
    return any(not _VALUE_OF.search(text[max(0, m.start() - 25):m.start()]) for m in re.finditer(_CASH_NOTES, text))


def extract_facts(text: str, expecting_value: bool = False) -> Facts:
    """All facts stated in normalised `text`."""
    amount = extract_amount(text, expecting_value)
    giver = next((name for name, pat in _GIVERS if _any(text, pat)), None)
    return Facts(
        value_low=amount[0] if amount else None,
        value_high=amount[1] if amount else None,
        cash=(_any(text, _CASH) or (not expecting_value and (_notes_given(text) or _MONEY_GIVEN.search(text)
                                                             is not None))) and not _any(text, _VOUCHER),
        voucher=_any(text, _VOUCHER),
        sent_home=_any(text, _HOME),
        during_tender=_any(text, _TENDER),
        recurring=_any(text, _RECURRING),
        shared_openly=_any(text, _SHARED),
        manager_involved=_manager_involved(text),
        anonymous=_any(text, _ANONYMOUS),
        giver=giver,
        value_unknowable=amount is None and expecting_value and _any(text, _DONT_KNOW),
    )

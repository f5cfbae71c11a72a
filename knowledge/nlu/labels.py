"""How a reading is named on a button when the bot asks which one is meant."""

from __future__ import annotations

from knowledge.nlu.reading import Reading

TOPIC_NAMES: dict[str, tuple[str, str]] = {
    "gifts": ("een geschenk aannemen", "accepting a gift"),
    "invitations": ("een uitnodiging aannemen", "accepting an invitation"),
    "side_jobs": ("een nevenfunctie", "a side job"),
    "financial_interests": ("financiële belangen", "financial interests"),
    "conflict_of_interest": ("belangenverstrengeling", "a conflict of interest"),
    "confidential_information": ("vertrouwelijke informatie en privacy", "confidential information and privacy"),
    "social_media": ("sociale media en uitspraken in het openbaar", "social media and public statements"),
    "conduct": ("omgang met collega's", "conduct towards colleagues"),
    "private_use": ("privégebruik van spullen van het werk", "private use of work resources"),
    "work_time": ("privézaken onder werktijd", "private matters during working hours"),
    "clothing": ("kleding", "clothing"),
    "political": ("politiek en ambtenaar", "politics and the civil service"),
    "oath": ("eed, belofte en VOG", "oath, affirmation and certificate of conduct"),
    "reporting": ("melden", "reporting"),
    "trusted_person": ("de vertrouwenspersoon", "the trusted person"),
    "values": ("kernwaarden en integriteit", "core values and integrity"),
}
REPORT_NAMES: dict[str, tuple[str, str]] = {
    "misconduct": ("een misstand melden", "reporting a wrongdoing of public interest"),
    "integrity_violation": ("een integriteitsschending melden", "reporting an integrity violation"),
    "unwanted_behaviour": ("ongewenst gedrag melden", "reporting unwanted behaviour"),
    "external_aggression": ("agressie of geweld van buiten melden", "reporting aggression from outside"),
    "crime": ("een strafbaar feit melden", "reporting a crime"),
}


def reading_label(reading: Reading, lang: str) -> str:
    """'Mag ik: een geschenk aannemen', 'Melden: ongewenst gedrag', 'Uitleg: de vertrouwenspersoon'."""
    en = lang == "en"
    if reading.intent == "route":
        name = REPORT_NAMES.get(reading.report_type or "", ("iets melden", "reporting something"))
        return name[en].capitalize()
    topic = TOPIC_NAMES.get(reading.topic or "", ("iets anders", "something else"))[en]
    if reading.intent == "rule":
        return f"{'May I' if en else 'Mag ik'}: {topic}"
    if reading.intent == "info":
        return f"{'About' if en else 'Uitleg over'}: {topic}"
    if reading.intent == "confide":
        return "Talk to a trusted person in confidence" if en else "Vertrouwelijk praten met een vertrouwenspersoon"
    return "Something else" if en else "Iets anders"

"""What a question asks for, so the reply can start with it.

"Wie is de vertrouwenspersoon?" wants a name and how to reach them first; "Moet ik dit melden?"
wants "Ja — …" first when the answer is yes; "Mag ik …?" wants the traffic light first (every
verdict already starts with it). Pure, on normalised text.
"""

from __future__ import annotations

import re

_WHO = re.compile(
    r"\b(wie (is|zijn|was) (de|onze|jullie|mijn|m'n|een|het)?\s?(externe |interne )?"
    r"(vertrouwenspersonen|vertrouwenspersoon|coordinator|integriteitscoordinator|privacy ?officer|"
    r"contactpersoon|klachtencoordinator|arbocoordinator|meldpunt)|"
    r"hoe (bereik|bel|mail|spreek) ik (de|een|onze) \w+|contactgegevens van|telefoonnummer van|"
    r"who is (the|our|my) (external |internal )?(trusted person|confidential adviser|confidential counsellor|"
    r"coordinator|privacy officer)|how (do|can) i (reach|contact|call) (the|a|our) )")
_MUST_REPORT = re.compile(
    r"\b(moet ik (dit|dat|het|dit ook|dat ook|het ook|deze|die)?\s?(wel |ook |nog |dan )?(melden|aangeven|opgeven|"
    r"doorgeven|rapporteren)|moet (dit|dat|het) (gemeld|worden gemeld|aangegeven|opgegeven)|"
    r"ben ik verplicht (om )?(dit|dat|het)? ?(te )?melden|meldplicht|"
    r"do i (have|need) to (report|declare|disclose)|must i (report|declare)|should i report|"
    r"am i (obliged|required) to (report|declare))")


def question_shape(text: str) -> str | None:
    """"who", "must_report" or None, from the normalised message."""
    if _MUST_REPORT.search(text):
        return "must_report"
    if _WHO.search(text):
        return "who"
    return None

"""Which remedy lies against an authority's decision or silence (ZSPIJZ Art. 22(2)).

No appeal to the Commissioner lies against the National Assembly, the President of the Republic, the
Government, the Supreme Court of Cassation (since 2023 "Vrhovni sud"), the Constitutional Court, the
National Bank of Serbia and the Republic Public Prosecutor (now "Vrhovni javni tužilac"), nor against
the Commissioner acting as first instance: the remedy is a lawsuit at the Administrative Court.

Names are matched in English, Serbian Latin and Serbian Cyrillic, old and new, after folding case,
diacritics and script, and after dropping "of the Republic of Serbia" style suffixes.
"""

from __future__ import annotations

import re

from foia.text import fold

COMMISSIONER = "commissioner"
ADMINISTRATIVE_COURT = "administrative_court"

_SUFFIXES = (
    "of the republic of serbia",
    "of serbia",
    "republike srbije",
    "u republici srbiji",
    "srbije",
)

# Folded names of the bodies against which no appeal lies, old and new, in every script.
NO_APPEAL_NAMES = {
    "national assembly": "National Assembly",
    "narodna skupstina": "National Assembly",
    "president": "President of the Republic",
    "president of the republic": "President of the Republic",
    "predsednik republike": "President of the Republic",
    "predsednik": "President of the Republic",
    "government": "Government",
    "vlada": "Government",
    "supreme court of cassation": "Supreme Court",
    "supreme court": "Supreme Court",
    "vrhovni kasacioni sud": "Supreme Court",
    "vrhovni sud": "Supreme Court",
    "constitutional court": "Constitutional Court",
    "ustavni sud": "Constitutional Court",
    "national bank": "National Bank of Serbia",
    "national bank of serbia": "National Bank of Serbia",
    "narodna banka": "National Bank of Serbia",
    "narodna banka srbije": "National Bank of Serbia",
    "republic public prosecutor": "Supreme Public Prosecutor",
    "republic public prosecutor s office": "Supreme Public Prosecutor",
    "supreme public prosecutor": "Supreme Public Prosecutor",
    "supreme public prosecutor s office": "Supreme Public Prosecutor",
    "republicki javni tuzilac": "Supreme Public Prosecutor",
    "republicko javno tuzilastvo": "Supreme Public Prosecutor",
    "vrhovni javni tuzilac": "Supreme Public Prosecutor",
    "vrhovno javno tuzilastvo": "Supreme Public Prosecutor",
    "commissioner for information of public importance and personal data protection": (
        "Commissioner"
    ),
    "poverenik za informacije od javnog znacaja i zastitu podataka o licnosti": "Commissioner",
}


def _core_name(name: str) -> str:
    folded = fold(name)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if folded.endswith(" " + suffix):
                folded = folded[: -len(suffix) - 1].strip()
                changed = True
    folded = re.sub(r"^the ", "", folded)
    return folded


def no_appeal_body(name: str) -> str | None:
    """The canonical name of the no-appeal body this name denotes, or None."""
    return NO_APPEAL_NAMES.get(_core_name(name)) or NO_APPEAL_NAMES.get(fold(name))


def appeal_route(name: str) -> str:
    """COMMISSIONER, or ADMINISTRATIVE_COURT for the no-appeal bodies (ZSPIJZ Art. 22(2))."""
    return ADMINISTRATIVE_COURT if no_appeal_body(name) else COMMISSIONER

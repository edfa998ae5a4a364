"""French alphabetical order without the C library's locales (absent from slim containers).

Accents, case and ligatures are ignored at the first level, as French dictionaries do: "Épinay"
sorts among the E's, not after "Yainville"; "Œuvre" among the O's. Hyphens and apostrophes count
as spaces, so "Saint-Aubin" and "Saint Aubin" sort together.
"""

import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "-": " ", "'": " ", "’": " "})


def sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

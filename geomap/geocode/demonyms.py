"""Demonyms: the name of a people standing for its country ("Russian", "Israelis", "malienne").

News gazetteers annotate "American officials" or "Cypriot authorities" as the country, and so does
geomap when it is asked to resolve such a name.  The demonyms come from the ``countryinfo`` package
(one English demonym per country); the French and English adjectives of the Sahel countries that
:mod:`geomap.geocode.context` already reads as evidence are added.  A demonym several countries share
("Indian": India and the British Indian Ocean Territory; "Channel Islander") belongs to the most
populous of them.
"""

from __future__ import annotations

from functools import lru_cache

from geomap.gazetteer.boundaries import Country, find_country
from geomap.gazetteer.index import normalize_name
from geomap.geocode.context import DEMONYMS


def demonym_country(name: str) -> Country | None:
    """The country whose people ``name`` names ("American", "Americans", "Czechs"), or None."""
    key = normalize_name(name)
    table = _demonyms()
    code = table.get(key) or (table.get(key[:-1]) if key.endswith("s") and len(key) > 4 else None)
    return find_country(code) if code else None


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Normalized demonym → ISO2 (the most populous country when several share it)."""
    from countryinfo import all_countries  # read once, on the first demonym asked

    best: dict[str, tuple[int, str]] = {}
    for info in all_countries():
        try:
            demonym, code, people = info.demonym(), info.iso(2), int(info.population() or 0)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue  # a territory without a demonym, a code or a population
        for part in (demonym or "").split(","):
            key = normalize_name(part)
            if key and find_country(code) is not None and people > best.get(key, (-1, ""))[0]:
                best[key] = (people, code)
    table = {key: code for key, (_, code) in best.items()}
    for word, code in DEMONYMS.items():
        table.setdefault(normalize_name(word), code)
    return table

"""The Sahel section of the geocoder's development set: short names and namesakes from the GeoNames dumps.

Places are drawn (seeded) from ``data/geonames_sahel.tsv.gz`` — the GeoNames dumps of Mali, Burkina Faso
and Niger — never from ACLED or UCDP data (the Sahel exports are reserved for acceptance).  The sentences
are templates written for this set.  Each row is one of:

- ``sahel-unique``: a short name (3–7 letters) that only one place in the three countries bears (as its
  name or an alternate name, whatever its feature class), in a sentence naming its country: expected a
  pin within 25 km;
- ``sahel-region``: a short name borne by places over 50 km apart in one country, in a sentence naming
  the region that holds exactly one of them: expected that one;
- ``sahel-ambiguous``: the same kind of name in a sentence naming only the country: no reader can tell
  which place is meant, so the right answer is the country, or the region when all the namesakes lie
  in one (or, by luck, a pin within 25 km of the reference, which is one of the namesakes drawn at
  random); a pin on another namesake is a wrong pin;
- ``sahel-misspelt``: a short unique name with one letter changed into a spelling no place in the three
  countries bears, in a sentence naming its country (expected: the country, or the place itself) or its
  region (expected: the region, or the place itself);
- ``sahel-nearby``: a namesake in a sentence that also names a town 10–45 km away: expected the namesake
  near that town.

The references are GeoNames' own coordinates, so this section measures the resolver's choices among
GeoNames entries, not GeoNames' accuracy.
"""

from __future__ import annotations

import random
from collections import defaultdict

from geomap.config import DATA_DIR
from geomap.gazetteer.geonames import read_compact
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, distance_km, normalize_name

COUNTRIES = {
    "ML": ("Mali", "au Mali"),
    "BF": ("Burkina Faso", "au Burkina Faso"),
    "NE": ("Niger", "au Niger"),
}
WITH_COUNTRY = [
    "Gunmen on motorbikes attacked {p}, {c_en}, on Friday, a local official said.",
    "Des hommes armés ont incendié des greniers à {p} {c_fr}, selon des habitants.",
    "Two civilians were killed when an explosive device went off near {p} in {c_en}.",
    "Les habitants de {p} ont fui vers le chef-lieu {c_fr}, a rapporté une ONG.",
]
WITH_REGION = [
    "Gunmen attacked {p}, a village in the {r} region of {c_en}, on Tuesday.",
    "Des déplacés venus de {p}, dans la région de {r}, sont arrivés en ville {c_fr}.",
]
WITH_TOWN = [
    "Villagers from {p}, about {km} km from {t}, said the attackers came at dawn ({c_en}).",
    "L'attaque a visé {p}, à une trentaine de kilomètres de {t} {c_fr}.",
]
_VOWELS = "aeiou"


def sahel_rows(seed: int = 11) -> list[tuple]:
    """Rows (expected, mention, sentence, ref_name, ref_country, lat, lon, note) of the Sahel section."""
    rng = random.Random(seed)
    gazetteer = Gazetteer.embedded()
    towns, by_name = _index()
    regions = _region_names(gazetteer)
    rows: list[tuple] = []
    places = {k: _known(gazetteer, k[0]) for k in by_name if _short(k[0])}  # alternate names count too
    unique = [v[0] for k, v in by_name.items() if k in places and len(_spread(places[k])) == 1]
    namesakes = [
        v for k, v in by_name.items() if k in places and len(_spread(v)) > 1 and len(places[k]) == len(v)
    ]  # namesakes that are all populated places of that very name
    rng.shuffle(unique)
    rng.shuffle(namesakes)
    for n, entry in enumerate(unique[:60]):
        rows.append(_with_country("place", entry, entry.name, WITH_COUNTRY[n % 4], "sahel-unique"))
    taken = 0
    for group in namesakes:
        if taken == 50:
            break
        target = rng.choice(group)
        same_region = [e for e in group if e.admin1 == target.admin1 and _km(e, target) > 25]
        region = regions.get((target.country, target.admin1))
        if same_region or region is None:
            continue
        sentence = WITH_REGION[taken % 2].format(p=target.name, r=region, **_names(target.country))
        rows.append(("place", target.name, sentence, target.name, target.country, target.lat, target.lon,
                     "sahel-region"))  # fmt: skip
        taken += 1
    for n, group in enumerate(namesakes[-40:]):
        target = rng.choice(group)
        country = COUNTRIES[target.country][0]
        sentence = WITH_COUNTRY[n % 4].format(p=target.name, **_names(target.country))
        shared = {e.admin1 for e in group}
        region = regions.get((target.country, target.admin1)) if len(shared) == 1 else None
        rows.append(("country", target.name, sentence, country, target.country, target.lat, target.lon,
                     "sahel-ambiguous", region or ""))  # fmt: skip
    keys = set(gazetteer.names_in(COUNTRIES))
    for n, entry in enumerate(unique[60:120]):
        typo = _misspell(normalize_name(entry.name), keys, rng)
        if typo is None:
            continue
        mention = typo.title()
        region = regions.get((entry.country, entry.admin1))
        if n % 2 and region:
            sentence = WITH_REGION[n % 2].format(p=mention, r=region, **_names(entry.country))
            rows.append(("region", mention, sentence, region, "", entry.lat, entry.lon, "sahel-misspelt"))
        else:
            rows.append(_with_country("country", entry, mention, WITH_COUNTRY[n % 4], "sahel-misspelt"))
    rows += _nearby(namesakes, towns, rng)
    return rows


def cercle_rows(seed: int = 13, size: int = 60) -> list[tuple]:
    """Table rows (name, ISO2, region, second-level area, lat, lon) whose namesakes one region holds.

    Each target village shares its name with another populated place of its own first-level region
    more than 50 km away, and lies within 30 km of the seat of a cercle, department or province (a
    ``PPLA2``) nearer to it than to the other namesakes: a coded row names that area as its ``admin2``.
    The region alone cannot tell the namesakes apart; the area can.
    """
    rng = random.Random(seed)
    gazetteer = Gazetteer.embedded()
    towns, by_name = _index()
    seats = [t for t in towns if t.feature_code == "PPLA2"]
    regions = _region_names(gazetteer)
    groups = [v for v in by_name.values() if len(_spread(v)) > 1]
    rng.shuffle(groups)
    rows = []
    for group in groups:
        if len(rows) == size:
            break
        target = rng.choice(group)
        rivals = [e for e in group if e.admin1 == target.admin1 and _km(e, target) > 50]
        region = regions.get((target.country, target.admin1))
        near = [t for t in seats if t.country == target.country and t.admin1 == target.admin1]
        if not rivals or region is None or not near:
            continue
        seat = min(near, key=lambda t: _km(t, target))
        if _km(seat, target) > 30 or any(_km(seat, e) <= _km(seat, target) + 25 for e in rivals):
            continue
        rows.append((target.name, target.country, region, seat.name, target.lat, target.lon))
    return rows


def _nearby(namesakes: list[list[GazetteerEntry]], towns: list[GazetteerEntry], rng) -> list[tuple]:
    rows = []
    for group in namesakes:
        if len(rows) == 30:
            break
        target = rng.choice(group)
        close = [t for t in towns if t.country == target.country and 10 <= _km(t, target) <= 45]
        others = [e for e in group if e is not target and _km(e, target) > 25]
        if not close or any(_km(t, e) < 100 for t in close[:1] for e in others):
            continue
        town = close[0]
        sentence = WITH_TOWN[len(rows) % 2].format(
            p=target.name, t=town.name, km=round(_km(town, target)), **_names(target.country)
        )
        rows.append(("place", target.name, sentence, target.name, target.country, target.lat, target.lon,
                     "sahel-nearby"))  # fmt: skip
    return rows


def _index() -> tuple[list[GazetteerEntry], dict[tuple[str, str], list[GazetteerEntry]]]:
    """Seats of regions and cercles (the towns a text names as landmarks), and populated places by name."""
    towns, by_name = [], defaultdict(list)
    for entry, _ in read_compact(DATA_DIR / "geonames_sahel.tsv.gz"):
        if entry.feature != "P":
            continue
        by_name[normalize_name(entry.name), entry.country].append(entry)
        if entry.feature_code in ("PPLA", "PPLA2", "PPLC"):
            towns.append(entry)
    # a name of places in two of the three countries is no namesake within one, but the unique set
    # must be unique across all three (the sentence names the country, but stay on the safe side)
    across = defaultdict(set)
    for key, country in by_name:
        across[key].add(country)
    by_name = {k: v for k, v in by_name.items() if len(across[k[0]]) == 1 or len(_spread(v)) > 1}
    return sorted(towns, key=lambda t: (t.country, t.name)), by_name


def _known(gazetteer: Gazetteer, key: str) -> list[GazetteerEntry]:
    """Every place the gazetteer finds under ``key`` in the three countries, any feature, any spelling."""
    return [e for e in gazetteer.lookup(key) if e.country in COUNTRIES and not e.is_region]


def _region_names(gazetteer: Gazetteer) -> dict[tuple[str, str], str]:
    return {(c, r.admin1): r.name for c in COUNTRIES for r in gazetteer.regions(c) if r.admin1}


def _spread(group: list[GazetteerEntry]) -> list[GazetteerEntry]:
    """One entry per place: entries within 25 km of one already kept are the same place."""
    kept: list[GazetteerEntry] = []
    for entry in group:
        if all(_km(entry, k) > 25 for k in kept):
            kept.append(entry)
    return kept


def _short(key: str) -> bool:
    return " " not in key and 3 <= len(key) <= 7


def _misspell(key: str, keys: set[str], rng) -> str | None:
    """One vowel changed, into a spelling no place in the three countries has."""
    spots = [i for i, c in enumerate(key) if c in _VOWELS and i > 0]
    rng.shuffle(spots)
    for i in spots:
        for vowel in rng.sample(_VOWELS, len(_VOWELS)):
            typo = key[:i] + vowel + key[i + 1 :]
            if typo != key and typo not in keys:
                return typo
    return None


def _with_country(expected: str, entry: GazetteerEntry, mention: str, template: str, note: str) -> tuple:
    sentence = template.format(p=mention, **_names(entry.country))
    ref = COUNTRIES[entry.country][0] if expected == "country" else entry.name
    return (expected, mention, sentence, ref, entry.country, entry.lat, entry.lon, note)


def _names(country: str) -> dict[str, str]:
    en, fr = COUNTRIES[country]
    return {"c_en": en, "c_fr": fr}


def _km(a: GazetteerEntry, b: GazetteerEntry) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)

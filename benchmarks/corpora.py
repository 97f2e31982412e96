"""Rebuild the independent development corpora (kept out of git) and say where each came from.

``python -m benchmarks.corpora`` writes, under ``benchmarks/corpora/`` (git-ignored):

* ``acled_notes.csv``: the ``notes`` of ACLED events coded by ACLED (not by us) in
  public repositories, one row per event, with the coded date, place, coordinates,
  event type, first actor, region (admin1) and country as gold, and a ``split``
  column (``tune`` or ``report``) set by a hash of the event's id.  Rows of Mali,
  Burkina Faso and Niger are dropped: those countries' exports are reserved for
  acceptance and are never read for development.
* ``case2021_task2.tsv``: the labelled test set of CASE 2021 shared task 2
  (fine-grained ACLED-style event types), with the same deterministic split.

The sources are snapshots of public GitHub repositories, brought onto this machine
by the ``fetch`` verb of the search tool (it places them under ``/work/.mirror``;
``GEOMAP_MIRRORS`` points elsewhere).  This script only reads those snapshots with
``git show``; it never downloads.  ACLED's terms forbid redistribution: the files
it writes are for local measurement only and must never be committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

LOG = logging.getLogger(__name__)
OUT = Path(__file__).parent / "corpora"
NOTES = OUT / "acled_notes.csv"
CASE = OUT / "case2021_task2.tsv"
RESERVED = frozenset({"mali", "burkina faso", "niger"})  # acceptance only: never read for development
GOLD_COLUMNS = (
    "id", "corpus", "split", "notes", "event_date", "event_type", "sub_event_type", "actor1",
    "country", "admin1", "location", "latitude", "longitude", "geo_precision", "time_precision",
)  # fmt: skip

#: old ACLED event types (before 2019) → today's event type; protests and riots are told apart by inter1
OLD_TYPES = {
    "battle-no change of territory": "Battles",
    "battle-government regains territory": "Battles",
    "battle-non-state actor overtakes territory": "Battles",
    "remote violence": "Explosions/Remote violence",
    "violence against civilians": "Violence against civilians",
    "strategic development": "Strategic developments",
    "non-violent transfer of territory": "Strategic developments",
    "headquarters or base established": "Strategic developments",
}


@dataclass(frozen=True)
class Snapshot:
    """One file in a public repository's snapshot, and what it holds."""

    repo: str
    path: str
    corpus: str
    description: str

    def read(self) -> str | None:
        root = Path(os.environ.get("GEOMAP_MIRRORS", "/work/.mirror"))
        git_dir = root / self.repo.replace("/", "+") / "repo"
        if not git_dir.exists():
            return None
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"HEAD:{self.path}"],
            capture_output=True,
            check=False,
        )
        return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


ACLED_SOURCES = (
    Snapshot(
        "dkoban/geo_stuff",
        "ACLED.csv",
        "acled-afghanistan-2020",
        "ACLED events of Afghanistan, 1-21 March 2020 (today's columns)",
    ),
    Snapshot(
        "AschHarwood/acled",
        "acled.csv",
        "acled-africa-2016",
        "ACLED events of Africa, 17 June-2 July 2016 (old event types); Mali, Burkina Faso, Niger dropped",
    ),
)
CASE_SOURCE = Snapshot(
    "emerging-welfare/case-2021-shared-task",
    "task2/test_dataset/test_set_final_release_with_labels.tsv",
    "case2021-task2",
    "CASE 2021 shared task 2 test set with its labels (Haneczok et al. 2021)",
)
ATTRIBUTION = (
    "ACLED data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com; "
    "used for measurement only, not redistributed. CASE 2021 task 2: Hürriyetoğlu et al., "
    "Proceedings of CASE 2021 (ACL-IJCNLP); test set from github.com/emerging-welfare/case-2021-shared-task."
)


def split_of(corpus: str, ident: str) -> str:
    """``tune`` or ``report``: fixed by the id, so a rebuild puts every row in the same half."""
    digest = hashlib.sha1(f"{corpus}:{ident}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def acled_rows(snapshot: Snapshot, text: str) -> list[dict]:
    """The gold rows of one ACLED export, reserved countries and rows without notes left out."""
    rows = []
    for raw in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        row = {k.lower().strip(): (v or "").strip() for k, v in raw.items() if k}
        if row.get("country", "").lower() in RESERVED or not row.get("notes"):
            continue
        ident = row.get("event_id_cnty") or row.get("data_id") or ""
        rows.append(
            {
                "id": ident,
                "corpus": snapshot.corpus,
                "split": split_of(snapshot.corpus, ident),
                "notes": " ".join(row["notes"].split()),
                "event_date": _iso_date(row["event_date"]),
                "event_type": _event_type(row),
                "sub_event_type": row.get("sub_event_type", ""),
                "actor1": row.get("actor1", ""),
                "country": row.get("country", ""),
                "admin1": row.get("admin1", ""),
                "location": row.get("location", ""),
                "latitude": row.get("latitude", ""),
                "longitude": row.get("longitude", ""),
                "geo_precision": row.get("geo_precision", ""),
                "time_precision": row.get("time_precision", ""),
            }
        )
    return rows


def _event_type(row: dict) -> str:
    coded = row.get("event_type", "")
    if coded.lower() == "riots/protests":
        return "Riots" if row.get("inter1") == "5" else "Protests"
    return OLD_TYPES.get(coded.lower(), coded)


def _iso_date(text: str) -> str:
    for form in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return ""


def case_rows(text: str) -> list[dict]:
    rows = []
    for raw in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        ident = raw.get("id", "")
        rows.append(
            {
                "id": ident,
                "split": split_of(CASE_SOURCE.corpus, ident),
                "text": raw.get("EventSnippet", ""),
                "label": raw.get("SubType", ""),
            }
        )
    return rows


def _write(path: Path, rows: list[dict], columns: list[str], *, delimiter: str = ",") -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def rebuild() -> list[str]:
    """Write the corpora; the lines returned say what each holds and where it came from."""
    OUT.mkdir(parents=True, exist_ok=True)
    lines, notes = [], []
    for snapshot in ACLED_SOURCES:
        text = snapshot.read()
        if text is None:
            lines.append(f"missing: github:{snapshot.repo} (bring it with the search tool's fetch)")
            continue
        rows = acled_rows(snapshot, text)
        notes += rows
        tune = sum(r["split"] == "tune" for r in rows)
        lines.append(
            f"{snapshot.corpus}: {len(rows)} notes ({tune} tune, {len(rows) - tune} report) from "
            f"github.com/{snapshot.repo}/{snapshot.path}: {snapshot.description}"
        )
    _write(NOTES, notes, list(GOLD_COLUMNS))
    text = CASE_SOURCE.read()
    if text is None:
        lines.append(f"missing: github:{CASE_SOURCE.repo} (bring it with the search tool's fetch)")
    else:
        rows = case_rows(text)
        _write(CASE, rows, ["id", "split", "text", "label"], delimiter="\t")
        tune = sum(r["split"] == "tune" for r in rows)
        lines.append(
            f"{CASE_SOURCE.corpus}: {len(rows)} snippets ({tune} tune, {len(rows) - tune} report) from "
            f"github.com/{CASE_SOURCE.repo}/{CASE_SOURCE.path}: {CASE_SOURCE.description}"
        )
    lines.append(ATTRIBUTION)
    return lines


def main() -> None:
    for line in rebuild():
        print(line)


if __name__ == "__main__":
    main()

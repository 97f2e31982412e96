"""GeoNames dump files: import a downloaded one, or download the per-country files when online.

A dump (``ML.zip``, ``allCountries.zip``, the ``.txt`` inside, or that ``.txt`` gzipped) is a
tab-separated table of 19 columns: geonameid, name, asciiname, alternatenames
(comma-separated), latitude, longitude, feature class, feature code, country
code, cc2, admin1 … admin4 codes, population, elevation, dem, timezone,
modification date.  Every feature class is kept (villages, wells, wadis,
hills…), each with its alternate names, as origin ``geonames-dump``.

The dumps of Mali, Burkina Faso and Niger ship with geomap, compacted by
:func:`compact_dumps` into ``data/geonames_sahel.tsv.gz`` (ten columns, Latin
alternate names only, no country or first-level region rows: those come from
``data/admin1.csv``) and read by :func:`read_compact` into the embedded index.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from geomap.atomic import replace_atomically
from geomap.errors import GeocoderUnavailableError, InputError
from geomap.gazetteer import DUMP_URL
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, indexable, normalize_name

log = logging.getLogger(__name__)

COLUMNS = 19
_BATCH = 20_000
COMPACT_COLUMNS = (
    "geonameid", "name", "lat", "lon", "feature", "feature_code", "country", "admin1", "population",
    "alternatenames",
)  # fmt: skip
_LEFT_OUT = {"ADM1", "PCLI"}  # regions and countries come from data/admin1.csv and Natural Earth
#: feature codes whose GeoNames point is one spot on a line or an area (a stream, a valley, a district):
#: geomap places an event "near" it (precision 2), never exactly at it
AREA_CODES = frozenset(
    ["ADM2", "ADM3", "ADM4", "ADMD", "STM", "STMI", "STMX", "STMS", "WAD", "WADS", "WADX", "VAL", "VALS",
     "VALX", "AREA", "RGN", "RGNL", "ERG", "DUNE", "MTS", "HLLS", "PLN", "PLAT", "DPR", "BSNU", "LK", "LKS",
     "LKI", "LKN", "LKSI", "WTLD", "WTLDI", "MRSH", "MRSHN", "SWMP", "FLLS", "RDGE", "SCRP", "FRST", "RESF",
     "RESW", "RESV", "PRK", "SBED", "INLT", "CHN", "ISL", "ISLS"]
)  # fmt: skip


def read_dump(
    path: str | os.PathLike, *, countries: set[str] | None = None
) -> Iterator[tuple[GazetteerEntry, list[str]]]:
    """Entries of a GeoNames dump (.zip or .txt); a malformed line raises InputError naming file and line."""
    path = Path(path)
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for line, cells in enumerate(reader, start=1):
            if not cells or cells[0].startswith("#"):
                continue
            if len(cells) != COLUMNS:
                raise InputError(
                    f"{path}:{line}: expected {COLUMNS} tab-separated columns, found {len(cells)}"
                )
            if countries and cells[8] not in countries:
                continue
            yield _entry(cells, path, line), [a for a in cells[3].split(",") if a] + [cells[2]]


def _entry(cells: list[str], path: Path, line: int) -> GazetteerEntry:
    try:
        lat, lon = float(cells[4]), float(cells[5])
        population = int(cells[14] or 0)
        geonameid = int(cells[0])
    except ValueError as err:
        raise InputError(f"{path}:{line}: not a GeoNames row: {err}") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"{path}:{line}: latitude/longitude outside the globe")
    return GazetteerEntry(
        geonameid=geonameid, name=cells[1], lat=lat, lon=lon, country=cells[8], admin1=cells[10],
        feature=cells[6] or "", population=population, origin="geonames-dump", feature_code=cells[7] or "",
    )  # fmt: skip


class _open_text:
    """The dump's text, from a .txt file, a gzipped one, or the .txt inside a .zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._archive: zipfile.ZipFile | None = None
        self._handle: io.TextIOBase | None = None

    def __enter__(self) -> io.TextIOBase:
        if not self.path.is_file():
            raise InputError(f"{self.path}: no such file")
        if zipfile.is_zipfile(self.path):
            self._archive = zipfile.ZipFile(self.path)
            names = [n for n in self._archive.namelist() if n.endswith(".txt") and not n.startswith("readme")]
            if not names:
                raise InputError(f"{self.path}: no GeoNames .txt table inside the archive")
            self._handle = io.TextIOWrapper(self._archive.open(names[0]), encoding="utf-8", newline="")
        elif self.path.suffix == ".gz":
            self._handle = gzip.open(self.path, "rt", encoding="utf-8", newline="")
        else:
            self._handle = self.path.open(encoding="utf-8", newline="")
        return self._handle

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._archive is not None:
            self._archive.close()


def import_dump(path: str | os.PathLike, *, gazetteer: Gazetteer, countries: set[str] | None = None) -> int:
    """Add a dump's places (replacing earlier imports for the same countries); returns how many."""
    entries = list(read_dump(path, countries=countries))
    if not entries:
        return 0
    for code in {e.country for e, _ in entries}:
        gazetteer.remove_origin("geonames-dump", country=code)
    for start in range(0, len(entries), _BATCH):
        gazetteer.add(entries[start : start + _BATCH])
    log.info("imported %d GeoNames places from %s", len(entries), path)
    return len(entries)


def download_dumps(
    codes: list[str], *, gazetteer: Gazetteer, base_url: str = DUMP_URL, timeout: float = 60.0
) -> dict[str, int]:
    """Download and import per-country dumps (``ML``, ``BF``… or ``allCountries``); places per file."""
    import urllib.error  # here, not at the top: `geomap --help` shows DUMP_URL and must start fast
    import urllib.request

    imported = {}
    with tempfile.TemporaryDirectory() as tmp:
        for code in codes:
            name = "allCountries" if code.lower() == "allcountries" else code.upper()
            target = Path(tmp) / f"{name}.zip"
            url = f"{base_url.rstrip('/')}/{name}.zip"
            try:
                # https by default; another base URL is the user's choice (a mirror, a test server)
                with urllib.request.urlopen(url, timeout=timeout) as answer, target.open("wb") as out:  # noqa: S310
                    shutil.copyfileobj(answer, out)
            except (urllib.error.URLError, OSError) as err:
                raise GeocoderUnavailableError(f"cannot download {url}: {err}") from err
            imported[name] = import_dump(target, gazetteer=gazetteer)
    return imported


def compact_dumps(paths: list[Path], out: Path) -> int:
    """Write GeoNames dumps (``.txt``, ``.txt.gz`` or ``.zip``) as one compact gzip table; rows written.

    Kept: :data:`COMPACT_COLUMNS`; alternate names that :func:`~geomap.gazetteer.index.indexable`
    accepts, one per normalized spelling.  The file is written whole or not at all.
    """
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        with gzip.open(tmp, "wt", encoding="utf-8", newline="", compresslevel=9) as handle:
            writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
            writer.writerow(COMPACT_COLUMNS)
            for path in paths:
                for entry, aliases in read_dump(path):
                    if entry.feature_code in _LEFT_OUT:
                        continue
                    writer.writerow(_compact_row(entry, aliases))
                    written += 1

    replace_atomically(out, write)
    return written


def _compact_row(entry: GazetteerEntry, aliases: list[str]) -> list[object]:
    seen, kept = {normalize_name(entry.name)}, []
    for alias in aliases:
        key = normalize_name(alias)
        if key not in seen and indexable(alias) and "|" not in alias and "http" not in alias:
            seen.add(key)
            kept.append(alias)
    return [
        entry.geonameid, entry.name, f"{entry.lat:.5f}", f"{entry.lon:.5f}", entry.feature,
        entry.feature_code, entry.country, entry.admin1, entry.population, "|".join(kept),
    ]  # fmt: skip


def read_compact(path: Path) -> Iterator[tuple[GazetteerEntry, list[str]]]:
    """Entries of a table written by :func:`compact_dumps`, as origin ``embedded``."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(next(reader, ())) != COMPACT_COLUMNS:
            raise InputError(f"{path}:1: header: not a compact GeoNames table")
        for line, cells in enumerate(reader, start=2):
            try:
                geonameid, name, lat, lon, feature, code, country, admin1, population, aliases = cells
                entry = GazetteerEntry(
                    int(geonameid), name, float(lat), float(lon), country, admin1=admin1, feature=feature,
                    population=int(population or 0), feature_code=code,
                    geo_precision=2 if code in AREA_CODES else 1,
                )  # fmt: skip
            except ValueError as err:
                raise InputError(f"{path}:{line}: not a compact GeoNames row: {err}") from err
            yield entry, aliases.split("|") if aliases else []


def main() -> None:  # pragma: no cover - run by the developers to refresh data/geonames_sahel.tsv.gz
    """``python -m geomap.gazetteer.geonames DUMP... OUT``: compact GeoNames dumps for embedding."""
    import sys

    *sources, target = sys.argv[1:]
    log.warning("wrote %d places to %s", compact_dumps([Path(s) for s in sources], Path(target)), target)


if __name__ == "__main__":  # pragma: no cover
    main()

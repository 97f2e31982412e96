"""GeoNames dump files: import a downloaded one, or download the per-country files when online.

A dump (``ML.zip``, ``allCountries.zip`` or the ``.txt`` inside) is a
tab-separated table of 19 columns: geonameid, name, asciiname, alternatenames
(comma-separated), latitude, longitude, feature class, feature code, country
code, cc2, admin1 … admin4 codes, population, elevation, dem, timezone,
modification date.  Every feature class is kept (villages, wells, wadis,
hills…), each with its alternate names, as origin ``geonames-dump``.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

from geomap.errors import GeocoderUnavailableError, InputError
from geomap.gazetteer.index import Gazetteer, GazetteerEntry

log = logging.getLogger(__name__)

DUMP_URL = "https://download.geonames.org/export/dump/"
COLUMNS = 19
_BATCH = 20_000


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
    """The dump's text, from a .txt file or the .txt inside a .zip."""

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

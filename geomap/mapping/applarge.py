"""The app's map of a large store: the large-map page (:mod:`geomap.mapping.large`) as a Streamlit component.

The page is built once per store version and kept beside the store, in
``.<store name>.applarge/<version key>/``:

* ``page.html.gz`` — the offline large-map page (Leaflet inlined, no network),
  with ``static/appbridge.js``: it takes the app's filter as a bit per event and
  answers a click with the event's position in the map.  Streamlit sends a
  ``.gz`` file as it is, where it gzips a 40 MB page again for each request
  (7 s at a million events here);
* ``index.html`` — the component's page (``static/apploader.html``): it fetches
  ``page.html.gz``, unpacks it in the browser and writes it into itself;
* ``positions.parquet`` — ``event_id`` and ``pos``, each event's place in the
  map's payload, which the app joins its DuckDB filters with
  (:mod:`geomap.app.lazy`);
* ``record.json`` — the store version it was made from and how many events it draws.

A version's folder is written under a temporary name and renamed into place
when complete, so a reader finds a whole map or none; older versions are then
removed.  Building reads the whole store and costs gigabytes at a million
events, so the app runs :func:`main` in a child process (``python -m
geomap.mapping.applarge STORE``) and keeps its own memory small.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import sys
import uuid
from importlib import resources
from pathlib import Path

from geomap.mapping.appmap import store_version
from geomap.mapping.layers import script_json

log = logging.getLogger(__name__)

FORMAT = 1  # of the folder; a folder of another format is made again
HEIGHT = 560  # pixels of the map in the app
RECORD = "record.json"
PAGE = "index.html"  # the component's page: a loader of PACKED_PAGE
CODE = ("largemap.js", "appbridge.js", "apploader.html")  # a change makes every map again
PACKED_PAGE = "page.html.gz"  # the large map, gzip-compressed: served as it is (application/gzip)
POSITIONS = "positions.parquet"


def maps_folder(store_path: str | os.PathLike) -> Path:
    """Where the app's large maps of the store at ``store_path`` are kept: a hidden folder beside it."""
    path = Path(store_path)
    return path.with_name(f".{path.name}.applarge")


def version_key(version: dict) -> str:
    """A short name for a store version (:func:`geomap.mapping.appmap.store_version`) drawn by this code."""
    static = resources.files("geomap.mapping").joinpath("static")
    code = "".join(static.joinpath(name).read_text(encoding="utf-8") for name in CODE)
    text = json.dumps({"store": version, "format": FORMAT, "code": code}, sort_keys=True)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def current_map(store_path: str | os.PathLike) -> tuple[Path, dict] | None:
    """The folder and record of the map of the store as it is now; None when it is not made yet."""
    key = version_key(store_version(store_path))
    folder = maps_folder(store_path) / key
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        log.warning("%s: cannot read the app's large map (%s); it is made again", folder, err)
        return None
    return (folder, record) if record.get("key") == key else None


def loader() -> str:
    """The component's page: it fetches :data:`PACKED_PAGE` and writes it into itself, unpacked."""
    page = resources.files("geomap.mapping").joinpath("static", "apploader.html").read_text(encoding="utf-8")
    return page.replace("__HEIGHT__", str(HEIGHT))


def bridge(key: str, bounds: list[list[float]] | None) -> str:
    """The script that makes the page a Streamlit component of the map version ``key``.

    ``bounds`` (``[[south, west], [north, east]]``) are fitted again once the
    frame has its height: the map is laid out before the app sizes the frame.
    """
    code = resources.files("geomap.mapping").joinpath("static", "appbridge.js").read_text(encoding="utf-8")
    options = script_json({"version": key, "height": HEIGHT, "bounds": bounds})
    start = f"geomapAppBridge({options});"
    return "<script>" + code.replace("</script", "<\\/script") + "\n" + start + "</script>"


def build_app_map(store_path: str | os.PathLike) -> Path:
    """Make the app's large map of the store as it is now (see the module's docstring); returns its folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from geomap.mapping.build import build_map
    from geomap.mapping.export import export_html
    from geomap.store import Store

    version = store_version(store_path)  # before the read: a write meanwhile makes the map again
    key = version_key(version)
    contents = Store(store_path).read()  # corrected; events marked not-an-event left out
    m = build_map(
        contents.events, evidence=contents.evidence, sources=contents.sources,
        time=False, select_on_click=True, large=True,
    )  # fmt: skip
    root = maps_folder(store_path)
    root.mkdir(exist_ok=True)
    work = root / f".{key}.{uuid.uuid4().hex[:8]}"  # made with the umask's mode, unlike tempfile's 0700
    work.mkdir()
    try:
        plain = export_html(m, work / "page.html", offline=True)
        html = plain.read_text(encoding="utf-8")
        plain.unlink()
        end = html.rindex("</html>")  # the bridge runs once the map's own scripts have run
        html = html[:end] + bridge(key, _bounds(contents.events)) + html[end:]
        (work / PACKED_PAGE).write_bytes(gzip.compress(html.encode("utf-8"), compresslevel=6, mtime=0))
        (work / PAGE).write_text(loader(), encoding="utf-8")
        ids = list(m.geomap_event_ids)
        positions = pa.table(
            {"event_id": pa.array(ids, pa.string()), "pos": pa.array(range(len(ids)), pa.int64())}
        )
        pq.write_table(positions, work / POSITIONS)
        record = {"key": key, "version": version, "drawn": len(ids), "shown": len(contents.events)}
        (work / RECORD).write_text(json.dumps(record), encoding="utf-8")
        os.rename(work, root / key)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (root / key / RECORD).exists():
            raise
        # another process made the same version meanwhile: keep its copy
    _remove_others(root, key)
    return root / key


def _bounds(events) -> list[list[float]] | None:
    lat, lon = events["latitude"].dropna(), events["longitude"].dropna()
    if lat.empty or lon.empty:
        return None
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


def _remove_others(root: Path, key: str) -> None:
    """Remove the maps of older versions (a map being made has a name starting with a dot)."""
    for folder in root.iterdir():
        if folder.is_dir() and folder.name != key and not folder.name.startswith("."):
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m geomap.mapping.applarge STORE``: make the app's large map of STORE."""
    from geomap.errors import GeomapError

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        log.error("usage: python -m geomap.mapping.applarge STORE")
        return 2
    logging.basicConfig(level=logging.WARNING)
    try:
        build_app_map(args[0])
    except (GeomapError, OSError) as err:
        log.error("%s", err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

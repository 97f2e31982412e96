"""The app's map, rendered once per store version and kept on disk beside the store.

Building the map of every event (:func:`geomap.mapping.build.build_map`) and
rendering it cost the app's first script run more than a second, after imports
of geopandas and folium that cost as much again.  The app's map does not
depend on its filters (the browser applies them: the app sends the positions
of the events to show), so it is made once per store version: folium renders
the page (Leaflet inlined: it works offline) and the page is recorded with the
ids of its events, what the sidebar offers and how many events there are.

The record is written atomically to ``.<store name>.appmap.json`` beside the
store.  ``geomap import``, ``correct`` and ``split`` make it once they have
written (:func:`refresh`), so the app's first launch after them finds it ready;
the app makes it itself when it finds none, or a stale or unreadable one.  A
launch reads it and hands the page to the app's map component
(``static/appmap/``), importing neither geopandas nor folium.  A store's
version is its file's size and modification time: any write to the store (an
import, a correction) changes it, and a record of another version is never
used.  This module imports only the standard library until a map is made.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from geomap import __version__

log = logging.getLogger(__name__)

#: the app's map component: a static page of ours that writes the recorded page into its frame
FRONTEND = Path(__file__).resolve().parent / "static" / "appmap"
#: fields of a record and their types; a record missing one, or of another type, is made again
FIELDS = {"version": dict, "shown": int, "event_ids": list, "sidebar": dict, "html": str}
#: stores with more events than this are left to the app (a page of every event would be too large)
RECORD_AT_MOST = 200_000

#: the manifest of a parquet store (geomap.store.package.MANIFEST; not imported: the store code is heavy)
STORE_MANIFEST = "geomap_store.json"
FORMAT = 2  # of the record; a record of another format (or geomap version) is made again


def cache_file(store_path: str | os.PathLike) -> Path:
    """Where the app's map of the store at ``store_path`` is kept: a hidden file beside the store."""
    path = Path(store_path)
    return path.with_name(f".{path.name}.appmap.json")


def store_version(store_path: str | os.PathLike) -> dict:
    """What identifies a version of the store: its file's size and modification time, and this code's.

    Raises
    ------
    OSError
        When the store file cannot be read (it does not exist).
    """
    path = Path(store_path)
    # a parquet store is a folder: its manifest is replaced (os.replace) by every write
    stat = os.stat(path / STORE_MANIFEST if path.is_dir() else path)
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "format": FORMAT, "geomap": __version__}


def read_cached(store_path: str | os.PathLike) -> dict | None:
    """The recorded map of the store as it is now; None when missing, stale or unreadable."""
    try:
        version = store_version(store_path)
        record = json.loads(cache_file(store_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        log.warning("%s: cannot read the app's map (%s); it is made again", cache_file(store_path), err)
        return None
    if not isinstance(record, dict) or record.get("version") != version:
        return None
    if any(not isinstance(record.get(field), kind) for field, kind in FIELDS.items()):
        log.warning("%s: the app's map is incomplete; it is made again", cache_file(store_path))
        return None
    return record


def write_cached(store_path: str | os.PathLike, record: dict) -> bool:
    """Write ``record`` atomically beside the store; False (logged) when the folder is not writable."""
    target = cache_file(store_path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{target.name}.", suffix=".tmp")
    except OSError as err:
        log.warning("%s: the app's map is not kept (%s); each server start makes it again", target, err)
        return False
    try:
        from geomap.atomic import usual_permissions

        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False, separators=(",", ":"))
        usual_permissions(Path(tmp))
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError) as err:
        Path(tmp).unlink(missing_ok=True)
        log.warning("%s: the app's map could not be written (%s)", target, err)
        return False
    return True


def sidebar_options(events) -> dict:
    """What the app's sidebar offers for ``events``, as plain JSON values (kept with the app's map)."""
    from geomap.filters import actor_names, date_bounds

    bounds = date_bounds(events)

    def distinct(column: str) -> list[str]:
        return sorted(str(v) for v in events[column].dropna().unique())

    return {
        "dates": [d.isoformat() for d in bounds] if bounds is not None else None,
        "types": distinct("event_type"),
        "actors": [str(a) for a in actor_names(events)],
        "countries": distinct("country"),
        "regions": distinct("admin1"),
    }


def make_record(version: dict, events, *, sources, evidence) -> dict:
    """Build the app's map of ``events`` and render it with folium alone into the record the app shows.

    Parameters
    ----------
    version
        :func:`store_version` of the store, taken before the events were read.
    events, sources, evidence
        The store's tables, the events as shown (not-an-event ones left out).
    """
    from geomap.mapping.build import build_map
    from geomap.mapping.export import offline_html

    # the app's map keeps the small path: its selection and per-run filters drive that page
    # (the large path's popups are unpacked on demand, and the app was not measured on it yet)
    m = build_map(events, evidence=evidence, sources=sources, time=False, select_on_click=True, large=False)
    return {
        "version": version,
        "shown": len(events),
        "event_ids": [str(e) for e in m.geomap_event_ids],
        "sidebar": sidebar_options(events),
        "html": offline_html(m),  # Leaflet from the installed packages: the map works offline
    }


def refresh(store_path: str | os.PathLike) -> bool:
    """Make and keep the app's map of the store unless the one kept is current; True when one is kept.

    Called after a command wrote the store, so that the app's next launch finds its map ready.
    A store without events, or with more than :data:`RECORD_AT_MOST`, gets none (the app decides).
    """
    if read_cached(store_path) is not None:
        return True
    from geomap.corrections import rejected_ids
    from geomap.store import Store

    store = Store(store_path)
    if not store.exists():
        return False
    version = store_version(store.path)  # before the read: a write meanwhile makes the record stale
    every = store.read(rejected=True)
    rejected = rejected_ids(every.corrections, every.events, every.evidence)
    shown = every.events[~every.events["event_id"].isin(rejected)]
    if shown.empty or len(shown) > RECORD_AT_MOST:
        return False
    record = make_record(version, shown, sources=every.sources, evidence=every.evidence)
    return write_cached(store.path, record)

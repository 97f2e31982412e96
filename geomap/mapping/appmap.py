"""The app's map, rendered once per store version and kept on disk beside the store.

Building the map of every event (:func:`geomap.mapping.build.build_map`) and
rendering it through streamlit-folium cost the app's first script run more than
a second, after imports of geopandas, folium and streamlit-folium that cost as
much again.  The app's map does not depend on its filters (they are applied in
the browser, see :func:`view_script`), so it is made once per store version:
streamlit-folium renders it and the arguments it hands its browser component
are recorded, with what the sidebar offers and how many events there are.  The
record is written atomically to ``.<store name>.appmap.json`` beside the store;
a launch reads it and calls the component with it, importing none of those
libraries.  A store's version is its file's size and modification time: any
write to the store (an import, a correction) changes it and the record is made
again.  This module imports only the standard library until a map is made.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from geomap import __version__

log = logging.getLogger(__name__)

#: the manifest of a parquet store (geomap.store.package.MANIFEST; not imported: the store code is heavy)
STORE_MANIFEST = "geomap_store.json"
FORMAT = 1  # of the record; a record of another format (or geomap version) is made again


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


def make_record(version: dict, events, *, sources, evidence, sidebar: dict, render: Callable) -> dict:
    """Build the app's map of ``events``, render it with ``render`` and record what the app needs to show it.

    Parameters
    ----------
    version
        :func:`store_version` of the store, taken before the events were read.
    events, sources, evidence
        The store's tables, the events as shown (not-an-event ones left out).
    sidebar
        What the sidebar offers for these events (plain JSON values).
    render
        Turns the folium map into the plain JSON arguments of the app's map component.
    """
    from geomap.mapping.build import build_map
    from geomap.mapping.export import embed_assets

    # the app's map keeps the small path: its selection and per-run filter scripts drive that page
    # (the large path's popups are unpacked on demand, and the app was not measured on it yet)
    m = build_map(events, evidence=evidence, sources=sources, time=False, select_on_click=True, large=False)
    component = render(embed_assets(m))  # Leaflet from the installed packages: the map works offline
    return {
        "version": version,
        "shown": len(events),
        "event_ids": list(m.geomap_event_ids),
        "sidebar": sidebar,
        "component": component,
    }


def view_script(positions: list[int] | None) -> str:
    """JavaScript that shows only the events at ``positions`` of the map's payload (None: every event).

    The app hands it to the component as streamlit-folium's ``feature_group``,
    which the browser runs on the map already drawn when it changes, so a
    filter change does not draw the map again.
    """
    only = json.dumps(None if positions is None else [int(p) for p in positions])
    return (
        "(function () { var maps = window.geomapMaps || [];"
        f" if (maps.length) {{ maps[maps.length - 1].filter({{only: {only}}}); }} }})();"
    )

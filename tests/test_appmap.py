"""The app's map kept beside the store: made once per store version, read by a launch, never stale."""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geomap.corrections import correct
from geomap.mapping import appmap

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


@pytest.fixture(scope="module")
def app_module():
    """app.py's helpers, imported without running the page."""
    spec = importlib.util.spec_from_file_location("geomap_app_under_test", APP)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Streamlit names the map component after the module declaring it
    spec.loader.exec_module(module)
    return module


def _record(app_module, store) -> dict:
    contents = store.read()
    version = appmap.store_version(store.path)
    sidebar = app_module.sidebar_options(contents.events)
    return appmap.make_record(
        version,
        contents.events,
        sources=contents.sources,
        evidence=contents.evidence,
        sidebar=sidebar,
        render=app_module.rendered,
    )


def test_a_record_is_read_back_until_the_store_changes(app_module, sample_store) -> None:
    events = sample_store.read_events()
    record = _record(app_module, sample_store)
    assert record["shown"] == len(events)
    assert sorted(record["event_ids"]) == sorted(events.dropna(subset=["latitude"])["event_id"])
    assert record["sidebar"]["types"] == sorted(events["event_type"].dropna().unique())
    assert "geomapEventMap(" in record["component"]["script"]
    assert appmap.read_cached(sample_store.path) is None  # nothing kept yet
    assert appmap.write_cached(sample_store.path, record)
    assert appmap.read_cached(sample_store.path) == json.loads(json.dumps(record))
    correct(sample_store, events.iloc[0]["event_id"], "claim_status", "claimed", who="test")
    assert appmap.read_cached(sample_store.path) is None  # the store changed: the record is stale


def test_an_unreadable_record_is_made_again_and_an_unwritable_folder_only_logs(
    app_module, sample_store, caplog
) -> None:
    record = _record(app_module, sample_store)
    kept = appmap.cache_file(sample_store.path)
    kept.write_text('{"version": ', encoding="utf-8")  # a write cut short by hand
    with caplog.at_level(logging.WARNING, logger="geomap.mapping.appmap"):
        assert appmap.read_cached(sample_store.path) is None
    assert str(kept) in caplog.text
    kept.unlink()
    nowhere = sample_store.path.parent / "gone" / sample_store.path.name  # no file can be made beside it
    with caplog.at_level(logging.WARNING, logger="geomap.mapping.appmap"):
        assert not appmap.write_cached(nowhere, record)
    assert "is not kept" in caplog.text
    assert not list(sample_store.path.parent.glob(f"{kept.name}*"))  # no temporary file left behind


def test_the_component_gets_what_st_folium_would_send(app_module, sample_store, monkeypatch) -> None:
    """The recorded arguments are streamlit-folium's own; the app's call adds only the per-run filter."""
    import streamlit_folium

    from geomap.mapping.build import build_map
    from geomap.mapping.export import embed_assets

    contents = sample_store.read()
    m = embed_assets(
        build_map(contents.events, evidence=contents.evidence, sources=contents.sources, time=False)
    )
    twin = copy.deepcopy(m)  # rendering changes a folium map: each call renders its own copy
    record = app_module.rendered(twin)
    sent: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(
        m,
        key="map",
        height=520,
        use_container_width=True,
        returned_objects=["last_clicked", "selected_layers"],
    )
    assert set(sent) == set(record) | {"feature_group", "on_change"}
    assert sent["key"] == record["key"]  # the same widget: the same map script
    assert {k: v for k, v in sent.items() if k not in ("feature_group", "on_change")} == record


def test_the_view_script_passes_positions_as_numbers_only() -> None:
    assert "only: null" in appmap.view_script(None)
    assert "only: [0, 4, 7]" in appmap.view_script([0, 4, 7])
    with pytest.raises((TypeError, ValueError)):
        appmap.view_script(["0]}); alert(1); ({"])


FIRST_PAGE = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("geomap_app", {app!r})
app = importlib.util.module_from_spec(spec)
sys.modules["geomap_app"] = app
spec.loader.exec_module(app)
record = app.appmap.read_cached(Path({store!r}))
app.first_page(record["shown"], lambda: record)
"""


def test_the_first_page_is_made_from_the_record_alone(app_module, sample_store) -> None:
    """The first page shows the count and the map from the record, reads no store and imports no map code."""
    record = _record(app_module, sample_store)
    appmap.write_cached(sample_store.path, record)
    script = FIRST_PAGE.format(app=str(APP), store=str(sample_store.path))
    first = AppTest.from_string(script, default_timeout=60)
    first.run()
    assert not first.exception, first.exception
    total = record["shown"]
    assert first.caption[0].value == f"{total} of {total} events"
    assert not first.sidebar.children  # the filters follow once the map is drawn
    heavy = [
        "geopandas",
        "pyogrio",
        "shapely",
        "folium",
        "streamlit_folium",
        "geomap.store",
        "geomap.filters",
    ]
    probe = script + f"\nprint(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    found = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    assert found.stdout.strip().splitlines()[-1] == "[]", found.stdout + found.stderr


def test_a_parquet_store_is_versioned_by_its_manifest(tmp_path):
    from geomap.store.package import MANIFEST

    assert appmap.STORE_MANIFEST == MANIFEST
    folder = tmp_path / "events.parquet"
    folder.mkdir()
    (folder / MANIFEST).write_text('{"generation": 1}', encoding="utf-8")
    before = appmap.store_version(folder)
    (folder / MANIFEST).write_text('{"generation": 22}', encoding="utf-8")
    assert appmap.store_version(folder) != before

"""The app's map kept beside the store: made once per store version, read by a launch, never stale."""

from __future__ import annotations

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


def _record(store) -> dict:
    contents = store.read()
    version = appmap.store_version(store.path)
    return appmap.make_record(version, contents.events, sources=contents.sources, evidence=contents.evidence)


def test_a_record_is_read_back_until_the_store_changes(sample_store) -> None:
    events = sample_store.read_events()
    record = _record(sample_store)
    assert record["shown"] == len(events)
    assert sorted(record["event_ids"]) == sorted(events.dropna(subset=["latitude"])["event_id"])
    assert record["sidebar"]["types"] == sorted(events["event_type"].dropna().unique())
    assert "geomapEventMap(" in record["html"]
    assert "<script src=" not in record["html"]  # Leaflet inlined: the map needs no network
    assert appmap.read_cached(sample_store.path) is None  # nothing kept yet
    assert appmap.write_cached(sample_store.path, record)
    assert appmap.read_cached(sample_store.path) == json.loads(json.dumps(record))
    correct(sample_store, events.iloc[0]["event_id"], "claim_status", "claimed", who="test")
    assert appmap.read_cached(sample_store.path) is None  # the store changed: the record is stale


def test_an_unreadable_record_is_made_again_and_an_unwritable_folder_only_logs(sample_store, caplog) -> None:
    record = _record(sample_store)
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
    record = _record(sample_store)
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


def test_a_record_missing_a_field_or_of_a_wrong_type_is_made_again(sample_store, caplog) -> None:
    record = _record(sample_store)
    for field, broken in [("html", None), ("event_ids", "e1,e2"), ("shown", "39")]:
        spoiled = dict(record, **{field: broken})
        assert appmap.write_cached(sample_store.path, spoiled)
        with caplog.at_level(logging.WARNING, logger="geomap.mapping.appmap"):
            assert appmap.read_cached(sample_store.path) is None, field
    assert "incomplete" in caplog.text
    without = {k: v for k, v in record.items() if k != "sidebar"}
    appmap.write_cached(sample_store.path, without)
    assert appmap.read_cached(sample_store.path) is None


def test_refresh_keeps_the_map_of_the_store_as_it_is_and_leaves_out_rejected_events(sample_store) -> None:
    events = sample_store.read_events()
    assert appmap.refresh(sample_store.path)
    kept = appmap.read_cached(sample_store.path)
    assert kept["shown"] == len(events)
    assert kept["version"] == appmap.store_version(sample_store.path)
    made = appmap.cache_file(sample_store.path).stat().st_mtime_ns
    assert appmap.refresh(sample_store.path)  # current: not made again
    assert appmap.cache_file(sample_store.path).stat().st_mtime_ns == made
    gone = str(events.iloc[0]["event_id"])
    correct(sample_store, gone, "not_an_event", "true", who="test")
    assert appmap.read_cached(sample_store.path) is None  # stale once the store changed
    assert appmap.refresh(sample_store.path)
    again = appmap.read_cached(sample_store.path)
    assert again["shown"] == len(events) - 1
    assert gone not in again["event_ids"]


def test_refresh_makes_no_map_of_a_missing_or_empty_store(tmp_path) -> None:
    from geomap.store import Store

    assert not appmap.refresh(tmp_path / "none.gpkg")
    from geomap.ingest.tables import read_table
    from tests.conftest import SAMPLE_EVENTS

    sample = read_table(SAMPLE_EVENTS)
    empty = Store(tmp_path / "empty.gpkg")  # a store without events: the app says it holds none
    empty.write(sample.events.iloc[0:0], sources=sample.sources.iloc[0:0], evidence=sample.evidence.iloc[0:0])
    assert not appmap.refresh(empty.path)
    assert not appmap.cache_file(empty.path).exists()


IMPORT_THEN_PROBE = """
import sys
from geomap import cli
code = cli.main(["import", {csv!r}, "--store", {store!r}])
print(code, sorted(m for m in ("streamlit", "streamlit_folium") if m in sys.modules))
"""


def test_geomap_import_keeps_the_app_map_without_importing_streamlit(tmp_path) -> None:
    """After `geomap import` the app's first launch finds its map ready (issue 16: `make run`)."""
    from tests.conftest import SAMPLE_EVENTS

    store = tmp_path / "events.gpkg"
    probe = IMPORT_THEN_PROBE.format(csv=str(SAMPLE_EVENTS), store=str(store))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stdout + done.stderr
    kept = appmap.read_cached(store)
    assert kept is not None
    assert kept["shown"] == sum(1 for _ in SAMPLE_EVENTS.open(encoding="utf-8")) - 1  # rows of the CSV


class _FakeComponent:
    def __init__(self, answer) -> None:
        self.answer, self.calls = answer, []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return self.answer


def test_the_map_component_gets_the_page_and_the_positions_of_the_view(
    app_module, sample_store, monkeypatch
) -> None:
    record = _record(sample_store)
    fake = _FakeComponent({"drawn": True, "last_clicked": {"lat": 14.49, "lng": -4.19}})
    monkeypatch.setattr(app_module, "map_component", lambda: fake)
    events = sample_store.read_events()
    view = events[events["event_type"] == "Battles"]
    assert app_module.show_map(record, view) == {"lat": 14.49, "lng": -4.19}
    sent = fake.calls[-1]
    assert sent["html"] == record["html"]
    assert json.loads(sent["version"]) == record["version"]
    assert [record["event_ids"][p] for p in sent["only"]] == [
        e for e in record["event_ids"] if e in set(view["event_id"])
    ]
    app_module.show_map(record, None)
    assert fake.calls[-1]["only"] is None  # every event


def test_a_click_is_taken_only_as_two_numbers(app_module) -> None:
    assert app_module.clicked_point({"last_clicked": {"lat": 1, "lng": 2.5}}) == {"lat": 1.0, "lng": 2.5}
    for answer in [
        None,
        {"drawn": True, "last_clicked": None},
        {"last_clicked": {"lat": "14.4", "lng": 3}},
        {"last_clicked": {"lat": True, "lng": 3}},
        {"last_clicked": [14.4, 3]},
        "14.4,3",
    ]:
        assert app_module.clicked_point(answer) is None, answer


def test_the_component_frontend_is_shipped_and_names_only_its_own_files() -> None:
    page = (appmap.FRONTEND / "index.html").read_text(encoding="utf-8")
    assert '<script src="loader.js"></script>' in page
    for name in ("loader.js", "bridge.js"):
        code = (appmap.FRONTEND / name).read_text(encoding="utf-8")
        assert "http://" not in code  # nothing leaves the machine
        assert "https://" not in code
    assert "bridge.js" in (appmap.FRONTEND / "loader.js").read_text(encoding="utf-8")

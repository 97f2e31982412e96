"""Fixtures shared by the tests: realistic event tables and the hostile strings."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from geomap.extract.actors import ActorDictionary
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver
from geomap.ingest.tables import read_table
from geomap.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EVENTS = ROOT / "data" / "sample" / "events.csv"
SEED = ROOT.parent / "shared" / "seeds" / "000_5f17acd02aa61410.txt"

#: strings that must stay text wherever they are shown
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`alert(1)`",
    "\\101",
]
HOSTILE_URL = "javascript:alert(1)"


def hostile_rows() -> pd.DataFrame:
    """Three events near Kidal whose every free-text field carries a hostile string."""
    payload = " ".join(HOSTILE)
    base = {
        "event_date": "2023-11-14",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "country": "Mali",
        "admin1": "Kidal",
        "claim_status": "alleged",
    }
    return pd.DataFrame(
        [
            {**base, "location": f"Kidal {payload}", "latitude": 18.44, "longitude": 1.41,
             "actor1": f"Armed group {payload}", "actor2": payload, "notes": payload, "quote": payload,
             "source": f"Outlet {payload}", "source_url": HOSTILE_URL},
            {**base, "location": "Anefis", "latitude": 18.05, "longitude": 0.6, "actor1": payload,
             "notes": "A clash near Anefis.", "quote": f"Quote {payload}", "source": "RFI",
             "source_url": "https://www.rfi.fr/x?a=1&b=`${alert(1)}`"},
            {**base, "location": payload, "latitude": 17.6, "longitude": -0.75, "geo_precision": 4,
             "actor1": "Military Forces of Mali (2021-)", "notes": payload, "source": payload,
             "quote": payload},
        ]
    )  # fmt: skip


def hostile_regions(folder: Path) -> Path:
    """Region boundaries imported from a file whose region name is hostile (a box around Kidal region)."""
    from geomap.gazetteer.boundaries import import_boundaries

    name = "Kidal " + " ".join(HOSTILE)
    box = [[[-1.0, 17.5], [4.3, 17.5], [4.3, 21.0], [-1.0, 21.0], [-1.0, 17.5]]]
    feature = {"type": "Feature", "properties": {"shapeName": name, "shapeGroup": "MLI"},
               "geometry": {"type": "Polygon", "coordinates": box}}  # fmt: skip
    source = folder / "hostile_regions.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    target = folder / "hostile_regions.gpkg"
    import_boundaries(source, name_field="shapeName", country_field="shapeGroup", target=target)
    return target


@pytest.fixture
def hostile_region_boundaries(tmp_path, monkeypatch) -> Path:
    """build_map draws its region choropleth from hostile region names (see :func:`hostile_regions`)."""
    from geomap.gazetteer import boundaries, regions

    target = hostile_regions(tmp_path)
    monkeypatch.setattr(regions, "admin1_boundaries", lambda: boundaries.admin1_boundaries(target))
    return target


@pytest.fixture(scope="session", autouse=True)
def geomap_home(tmp_path_factory) -> Path:
    """Tests keep geomap's files (the gazetteer index, caches) in a folder of their own."""
    home = tmp_path_factory.mktemp("geomap-home")
    saved = os.environ.get("GEOMAP_HOME")
    os.environ["GEOMAP_HOME"] = str(home)
    yield home
    if saved is None:
        os.environ.pop("GEOMAP_HOME", None)
    else:
        os.environ["GEOMAP_HOME"] = saved


@pytest.fixture
def hostile_csv(tmp_path) -> Path:
    path = tmp_path / "hostile.csv"
    hostile_rows().to_csv(path, index=False)
    return path


@pytest.fixture
def sample_store(tmp_path) -> Store:
    """A store holding the sample events (as `make run` imports them)."""
    table = read_table(SAMPLE_EVENTS)
    store = Store(tmp_path / "sample.gpkg")
    store.write(table.events, sources=table.sources, evidence=table.evidence)
    return store


@pytest.fixture
def hostile_store(tmp_path, hostile_csv) -> Store:
    table = read_table(hostile_csv)
    assert not table.problems
    store = Store(tmp_path / "hostile.gpkg")
    store.write(table.events, sources=table.sources, evidence=table.evidence)
    return store


@pytest.fixture
def fresh_gazetteer(tmp_path, geomap_home):
    """A private copy of the session's gazetteer index: harvests and imports in one test stay there."""

    from geomap.gazetteer.index import Gazetteer, default_path

    Gazetteer.embedded()  # built once per session
    copy = tmp_path / "gazetteer.sqlite"
    shutil.copy(default_path(), copy)
    fresh = Gazetteer.embedded(path=copy)
    for origin in ("harvest", "geonames-dump"):  # what other tests taught the session's copy
        fresh.remove_origin(origin)
    return fresh


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    """The built-in actor dictionary."""
    return ActorDictionary.load()


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    """The offline resolver over the embedded gazetteer (test files may define their own)."""
    return Resolver(Gazetteer.embedded())


@pytest.fixture(params=["gpkg", "parquet"])
def backend(request) -> str:
    """The store's suffix: each test that takes it runs on the GeoPackage store and on the parquet one."""
    return request.param


# --- the Dask engine's tests (tests/test_engine*.py): one cluster per module -------------------------


def cluster_client():
    from distributed import Client, LocalCluster

    from geomap.engine import LOCAL_CLUSTER

    cluster = LocalCluster(n_workers=2, **LOCAL_CLUSTER)
    return Client(cluster), cluster


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two one-thread worker processes, for the tests of one module."""
    pytest.importorskip("distributed")
    client, cluster = cluster_client()
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def built_gazetteer(tmp_path_factory):
    """The gazetteer as built, without what other tests taught the session's copy."""
    Gazetteer.embedded()
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    shutil.copy(Gazetteer.embedded().path, path)
    clean = Gazetteer.embedded(path=path)
    for origin in ("harvest", "geonames-dump"):
        clean.remove_origin(origin)
    return path

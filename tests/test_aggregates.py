"""Aggregates: counts by country, admin-1, week and type, H3 density grids; the cluster gives the same."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest

from geomap import aggregates
from geomap.cli import main
from geomap.corrections import correct
from geomap.errors import ConfigError
from geomap.store import Store
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample"


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` events over three countries and ten years, some without place, date or fatalities."""
    rng = np.random.default_rng(seed)
    countries = np.array([("MLI", "Mali"), ("BFA", "Burkina Faso"), ("NER", "Niger")], dtype=object)
    which = rng.integers(0, 3, n)
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), unit="D")
    frame = pd.DataFrame(
        {
            "event_date": days.strftime("%Y-%m-%d").astype(object),
            "event_type": rng.choice(["Battles", "Protests", "Riots", "Explosions/Remote violence"], n),
            "iso3": countries[which, 0],
            "country": countries[which, 1],
            "admin1": rng.choice(["North", "South", "East", None], n),
            "latitude": rng.uniform(10, 20, n).round(4),
            "longitude": rng.uniform(-5, 5, n).round(4),
            "fatalities": pd.array(rng.integers(0, 30, n), dtype="Int64"),
        }
    )
    frame.loc[rng.random(n) < 0.1, ["latitude", "longitude"]] = np.nan
    frame.loc[rng.random(n) < 0.05, "event_date"] = None
    frame.loc[rng.random(n) < 0.1, "fatalities"] = pd.NA
    return frame


def _totals_add_up(tables: dict[str, pd.DataFrame], events: pd.DataFrame) -> None:
    deaths = int(events["fatalities"].fillna(0).sum())
    placed = events["latitude"].notna() & events["longitude"].notna()
    for name, table in tables.items():
        if name.startswith("h3_"):
            assert table["events"].sum() == placed.sum(), name
            assert table["fatalities"].sum() == int(events.loc[placed, "fatalities"].fillna(0).sum()), name
        else:
            assert table["events"].sum() == len(events), name
            assert table["fatalities"].sum() == deaths, name


def test_the_counts_add_up_to_the_totals_on_synthetic_events() -> None:
    events = synthetic(5000)
    tables = aggregates.aggregate(events)
    _totals_add_up(tables, events)
    by_type = tables["event_type"].set_index("event_type")["events"]
    assert by_type.to_dict() == events["event_type"].value_counts().to_dict()
    admin = tables["admin1"]
    assert len(admin) == 12  # three countries by four regions (one of them blank)
    assert (admin["admin1"] == "").sum() == 3
    fine = tables["h3_r5"].assign(parent=[h3.cell_to_parent(c, 3) for c in tables["h3_r5"]["h3_r5"]])
    nested = fine.groupby("parent")["events"].sum()
    assert nested.to_dict() == tables["h3_r3"].set_index("h3_r3")["events"].to_dict()  # zoom levels add up


def test_weeks_start_on_monday_and_cells_are_h3_cells() -> None:
    events = synthetic(4).assign(event_date=["2024-03-03", "2024-03-04", "2024-03-10", None])
    events["latitude"], events["longitude"] = [16.27, 16.27, 16.275, np.nan], [-0.04, -0.04, -0.04, np.nan]
    tables = aggregates.aggregate(events, resolutions=(5, 9))
    weeks = tables["week"].set_index("week")["events"].to_dict()
    assert weeks == {"": 1, "2024-02-26": 1, "2024-03-04": 2}
    cell = h3.latlng_to_cell(16.27, -0.04, 5)
    assert tables["h3_r5"]["h3_r5"].tolist() == [cell]
    assert tables["h3_r5"]["events"].tolist() == [3]
    assert tables["h3_r5"][["lat", "lon"]].iloc[0].tolist() == pytest.approx(h3.cell_to_latlng(cell))
    assert (
        len(tables["h3_r9"]) == 2
    )  # ~550 m apart: one cell at resolution 5 (~8 km across), two at 9 (~0.3 km)


def test_the_sample_store_aggregates_in_both_backends_alike(tmp_path, capsys) -> None:
    out = {}
    for backend in ("gpkg", "parquet"):
        store = tmp_path / f"s.{backend}"
        assert main(["import", str(SAMPLE), "--store", str(store)]) == 0
        assert main(["aggregate", "--store", str(store), "-o", str(tmp_path / backend)]) == 0
        out[backend] = {p.name: p.read_text() for p in sorted((tmp_path / backend).glob("*.csv"))}
    assert out["gpkg"] == out["parquet"]
    assert len(out["gpkg"]) == 7
    events = aggregates.store_events(Store(tmp_path / "s.parquet"))
    country = pd.read_csv(tmp_path / "parquet" / "aggregate-country.csv")
    assert country["events"].sum() == len(events) > 40
    _totals_add_up(aggregates.aggregate(events), events)


def test_events_marked_not_an_event_are_left_out(tmp_path, backend) -> None:
    path = tmp_path / f"s.{backend}"
    assert main(["import", str(SAMPLE / "events.csv"), "--store", str(path)]) == 0
    store = Store(path)
    before = aggregates.aggregate(aggregates.store_events(store))["country"]["events"].sum()
    correct(store, store.read_events()["event_id"].iloc[0], "not_an_event", True, who="anna")
    assert aggregates.uncorrected_files(store) is None  # the cluster must not read the raw files now
    after = aggregates.aggregate(aggregates.store_events(store))["country"]["events"].sum()
    assert after == before - 1


@pytest.mark.parametrize("text", ["", "3,x", "16", "-1"])
def test_bad_resolutions_name_the_option(text) -> None:
    with pytest.raises(ConfigError, match="--resolutions"):
        aggregates.parse_resolutions(text)


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.mark.slow
@pytest.mark.parametrize("parts", [1, 3, 7])
def test_the_cluster_gives_the_local_tables(client, parts) -> None:
    from geomap.engine import aggregate_on_cluster

    events = synthetic(3000, seed=parts).sample(frac=1, random_state=parts)  # shuffled
    _same(aggregate_on_cluster(events, client=client, partitions=parts), aggregates.aggregate(events))


@pytest.mark.slow
def test_the_cluster_reads_a_parquet_store_files_itself(client, tmp_path) -> None:
    from geomap.engine import aggregate_on_cluster

    path = tmp_path / "s.parquet"
    assert main(["import", str(SAMPLE), "--store", str(path)]) == 0
    store = Store(path)
    files = aggregates.uncorrected_files(store)
    assert len(files) > 1
    local = aggregates.aggregate(aggregates.store_events(store))
    _same(aggregate_on_cluster(client=client, files=files), local)

"""The `geomap` command: import, info, map, export, serve; errors exit 2 with `error: …`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geomap import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "events.csv"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(tmp_path, capsys) -> Path:
    path = tmp_path / "geomap.gpkg"
    code, out, err = run(capsys, "import", str(SAMPLE), "--store", str(path))
    assert code == 0, err
    assert "events read" in out
    return path


def test_import_then_info(store, capsys) -> None:
    code, out, _ = run(capsys, "info", "--json", "--store", str(store))
    assert code == 0
    facts = json.loads(out)
    sample = pd.read_csv(SAMPLE)
    # the sample is a researcher's coded table: every row is an event, never merged with another
    # (issue 13), though two pairs of rows describe one event each (Bamako 2024-09-17, Tinzaouaten)
    assert facts["events"] == len(sample)
    assert facts["merging"].startswith(f"{len(sample)} rows → {len(sample)} events (0 merged")
    assert facts["first_date"] == min(sample["event_date"])
    assert facts["claim_status"]["alleged"] >= 1


def test_reimport_does_not_duplicate(store, capsys) -> None:
    code, out, _ = run(capsys, "import", str(SAMPLE), "--store", str(store))
    assert code == 0
    assert "0 new" in out
    _, out, _ = run(capsys, "info", "--json", "--store", str(store))
    assert json.loads(out)["events"] == len(pd.read_csv(SAMPLE))


def test_map_writes_html_with_the_sourcing(store, tmp_path, capsys) -> None:
    out_file = tmp_path / "map.html"
    code, _, err = run(capsys, "map", "--out", str(out_file), "--store", str(store))
    assert code == 0, err
    html = out_file.read_text(encoding="utf-8")
    sample = pd.read_csv(SAMPLE)
    kidal = sample[(sample["event_date"] == "2023-11-14") & (sample["location"] == "Kidal")].iloc[0]
    first_outlet = kidal["source"].split(";")[0].strip()
    assert first_outlet in html
    assert "alleged" in html.lower()
    assert "leaflet" in html.lower()


def test_map_takes_the_large_path_when_asked(store, tmp_path, capsys) -> None:
    out_file = tmp_path / "large.html"
    code, _, err = run(capsys, "map", "--large", "--offline", "--out", str(out_file), "--store", str(store))
    assert code == 0, err
    html = out_file.read_text(encoding="utf-8")
    assert "Supercluster" in html
    assert '"large":true' in html
    small = tmp_path / "small.html"
    assert run(capsys, "map", "--small", "--out", str(small), "--store", str(store))[0] == 0
    assert '"large":true' not in small.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_export_formats_round_trip(store, tmp_path, capsys, fmt) -> None:
    out_file = tmp_path / f"events.{fmt}"
    code, _, err = run(capsys, "export", "--format", fmt, "--out", str(out_file), "--store", str(store))
    assert code == 0, err
    back = (
        pd.read_csv(out_file)
        if fmt == "csv"
        else gpd.read_file(out_file, layer="events" if fmt == "gpkg" else None)
    )
    assert len(back) == len(pd.read_csv(SAMPLE))
    assert {"event_id", "event_date", "event_type", "source", "claim_status"} <= set(back.columns)


def test_import_with_bad_rows_keeps_the_good_ones(tmp_path, capsys) -> None:
    rows = pd.read_csv(SAMPLE).head(20)
    rows.loc[3, "event_date"] = "31 Smarch 2023"
    rows.loc[8, "latitude"] = 123.0
    rows.loc[15, "event_type"] = "Skirmish"
    bad = tmp_path / "twenty.csv"
    rows.to_csv(bad, index=False)
    store = tmp_path / "s.gpkg"
    code, out, err = run(capsys, "import", str(bad), "--store", str(store))
    assert code == 0
    assert "17 events read" in out
    rejected = [line for line in err.splitlines() if line.startswith("rejected ")]
    assert rejected == [
        f"rejected {bad}:5: event_date: not a date: '31 Smarch 2023'",
        f"rejected {bad}:10: latitude: 123.0 is outside -90..90",
        f"rejected {bad}:17: event_type: unknown event type 'Skirmish'",
    ]


def test_errors_exit_2_with_a_message(tmp_path, capsys) -> None:
    code, _, err = run(
        capsys, "map", "--store", str(tmp_path / "none.gpkg"), "--out", str(tmp_path / "m.html")
    )
    assert code == 2
    assert err.startswith("error: ")
    assert "no events" in err
    code, _, err = run(capsys, "export", "--format", "xlsx", "--store", str(tmp_path / "none.gpkg"))
    assert code == 2
    assert "csv, geojson, gpkg" in err


def test_store_from_the_environment(store, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEOMAP_STORE", str(store))
    code, out, _ = run(capsys, "info", "--json")
    assert code == 0
    assert json.loads(out)["store"] == str(store)


@pytest.mark.parametrize("command", ["import", "map", "export", "serve", "info"])
def test_help_for_every_command(command) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "geomap.cli", command, "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "--store" in done.stdout


def test_serve_starts_streamlit_on_the_given_address(monkeypatch, store, capsys) -> None:
    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command, env: calls.append((command, env)) or 0)
    code, _, _ = run(capsys, "serve", "--store", str(store), "--port", "8611")
    assert code == 0
    command, env = calls[0]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8611"
    assert command[command.index("run") + 1].endswith("app.py")
    assert env["GEOMAP_STORE"] == str(store)


def test_geocode_json_contract(capsys) -> None:
    code, out, _ = run(capsys, "geocode", "Kidal", "Tombouctou", "Kidal region", "Nowhereville", "--context",
                       "Fighting in northern Mali", "--json")  # fmt: skip
    assert code == 0
    kidal, timbuktu, region, nowhere = [json.loads(line) for line in out.splitlines()]
    keys = {"query", "name", "lat", "lon", "geo_precision", "geocode_confidence", "country", "admin1",
            "geonameid", "origin", "reason"}  # fmt: skip
    assert keys <= set(kidal)
    assert (kidal["name"], kidal["country"], kidal["geo_precision"], kidal["origin"]) == (
        "Kidal",
        "ML",
        1,
        "embedded",
    )
    assert kidal["lat"] == pytest.approx(18.44, abs=0.01)
    assert timbuktu["name"] == "Timbuktu"
    assert (region["geo_precision"], region["admin1"]) == (3, "Kidal")
    assert (nowhere["geo_precision"], nowhere["needs_review"]) == (4, True)
    assert "not in the gazetteer" in nowhere["reason"]


def test_geocode_reads_names_from_stdin(monkeypatch, capsys) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("Ménaka\nMenaka\n\nGao\n"))
    code, out, _ = run(capsys, "geocode", "-", "--country", "ML", "--json")
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["query"] for a in answers] == ["Ménaka", "Menaka", "Gao"]
    assert answers[0]["geonameid"] == answers[1]["geonameid"]
    assert answers[2]["country"] == "ML"


def test_unresolved_json_has_null_coordinates_and_a_reason(capsys) -> None:
    code, out, _ = run(capsys, "geocode", "Nowhereville", "--json")
    assert code == 0  # not found is an answer, not an error
    record = json.loads(out)
    assert (record["lat"], record["lon"]) == (None, None)
    assert record["reason"]


def test_gazetteer_import_and_info(capsys) -> None:
    dump = ROOT / "tests" / "data" / "geonames_ML_sample.txt"
    code, out, _ = run(capsys, "gazetteer", "import", str(dump))
    assert code == 0
    assert "5 places" in out
    code, out, _ = run(capsys, "gazetteer", "info")
    assert "geonames-dump: 5" in out
    assert "embedded:" in out


def test_import_teaches_the_gazetteer_its_villages(tmp_path, capsys) -> None:
    table = tmp_path / "villages.csv"
    table.write_text(
        "event_date,event_type,country,admin1,location,latitude,longitude,source\n"
        "2024-02-02,Battles,Mali,Gao,Tinkarène-Est,16.51,0.98,Studio Tamani\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "import", str(table), "--store", str(tmp_path / "s.gpkg"))
    assert code == 0, err
    code, out, _ = run(capsys, "geocode", "Tinkarène-Est", "--country", "ML", "--json")
    learnt = json.loads(out)
    assert (learnt["lat"], learnt["lon"], learnt["origin"]) == (16.51, 0.98, "harvest")


def test_reports_of_one_event_are_merged_with_all_their_sources(tmp_path, capsys) -> None:
    """The sample's rows taken as article reports (extraction "rules"): reports of one event merge."""
    from geomap.store import Store

    reports = tmp_path / "reports.csv"
    pd.read_csv(SAMPLE).assign(extraction="rules").to_csv(reports, index=False)
    code, out, err = run(capsys, "import", str(reports), "--store", str(tmp_path / "r.gpkg"))
    assert code == 0, err
    assert "store: 36 rows → 34 events (2 merged: 2 article report(s) into other reports" in out
    contents = Store(tmp_path / "r.gpkg").read()
    bamako = (
        contents.events[contents.events["location"] == "Bamako"].set_index("event_date").loc["2024-09-17"]
    )
    assert bamako["claim_status"] == "disputed"  # JNIM's claim was contradicted by the army
    assert sorted(bamako["source"].split("; ")) == ["AFP", "Az-Zallaqa", "RFI", "Reuters"]
    cited = contents.evidence[contents.evidence["event_id"] == bamako["event_id"]]
    assert len(cited) == 5  # four outlets of the first report, Az-Zallaqa's own statement
    tin = contents.events[
        (contents.events["location"] == "Tinzaouaten") & (contents.events["event_type"] == "Battles")
    ]
    assert (tin["fatalities_low"].iloc[0], tin["fatalities_high"].iloc[0]) == (47, 84)


def test_no_merge_keeps_every_row(tmp_path, capsys) -> None:
    code, _, _ = run(capsys, "import", str(SAMPLE), "--no-merge", "--store", str(tmp_path / "s.gpkg"))
    assert code == 0
    _, out, _ = run(capsys, "info", "--json", "--store", str(tmp_path / "s.gpkg"))
    assert json.loads(out)["events"] == len(pd.read_csv(SAMPLE))

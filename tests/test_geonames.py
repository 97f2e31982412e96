"""GeoNames dumps: import a file (txt or zip), or download from a server (a local one here)."""

from __future__ import annotations

import http.server
import threading
import zipfile
from pathlib import Path

import pytest

from geomap.errors import GeocoderUnavailableError, InputError
from geomap.gazetteer.geonames import download_dumps, import_dump, read_dump
from geomap.geocode import Resolver

DUMP = Path(__file__).parent / "data" / "geonames_ML_sample.txt"


def test_every_feature_class_with_alternate_names() -> None:
    entries = {e.name: (e, aliases) for e, aliases in read_dump(DUMP)}
    assert set(entries) == {"Intahaka", "Tarkint", "Oued Tilemsi", "Puits de Tin Essako", "Adrar des Ifoghas"}
    wadi, aliases = entries["Oued Tilemsi"]
    assert (wadi.feature, wadi.feature_code, wadi.country, wadi.admin1) == ("H", "WAD", "ML", "09")
    assert "Vallee du Tilemsi" in aliases


def test_import_txt_and_zip_then_resolve(fresh_gazetteer, tmp_path) -> None:
    assert import_dump(DUMP, gazetteer=fresh_gazetteer) == 5
    archive = tmp_path / "ML.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(DUMP, "ML.txt")
    assert import_dump(archive, gazetteer=fresh_gazetteer) == 5  # a re-import replaces, never duplicates
    assert fresh_gazetteer.counts()["geonames-dump"] == 5
    place = Resolver(fresh_gazetteer).resolve("N'Tahaka", context="an attack in Mali")
    assert (place.name, place.origin, place.lat) == ("Intahaka", "geonames-dump", 16.61667)
    assert (
        Resolver(fresh_gazetteer)
        .resolve("Adrar des Iforas", country="ML", context="dans la région de Kidal")
        .name
        == "Adrar des Ifoghas"
    )


def test_a_malformed_line_names_file_and_line(tmp_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(DUMP.read_text(encoding="utf-8") + "123\tonly three\tcolumns\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.txt:6: expected 19"):
        list(read_dump(bad))


@pytest.fixture
def dump_server(tmp_path):
    (tmp_path / "ML.zip").write_bytes(b"")
    with zipfile.ZipFile(tmp_path / "ML.zip", "w") as z:
        z.write(DUMP, "ML.txt")
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_gazetteer_add_downloads_and_imports(fresh_gazetteer, dump_server) -> None:
    assert download_dumps(["ML"], gazetteer=fresh_gazetteer, base_url=dump_server) == {"ML": 5}
    assert fresh_gazetteer.lookup("Tarkint")[0].origin == "geonames-dump"
    with pytest.raises(GeocoderUnavailableError, match=r"NE\.zip"):
        download_dumps(["NE"], gazetteer=fresh_gazetteer, base_url=dump_server)  # 404


def test_compact_table_keeps_what_the_index_needs(tmp_path) -> None:
    from geomap.gazetteer.geonames import compact_dumps, read_compact

    out = tmp_path / "sahel.tsv.gz"
    assert compact_dumps([DUMP], out) == 5
    entries = {e.name: (e, aliases) for e, aliases in read_compact(out)}
    wadi, aliases = entries["Oued Tilemsi"]
    assert (wadi.feature, wadi.feature_code, wadi.admin1, wadi.origin) == ("H", "WAD", "09", "embedded")
    assert wadi.geo_precision == 2  # a wadi's point is one spot along it: "near", never exact
    assert "Vallee du Tilemsi" in aliases
    assert entries["Intahaka"][0].geo_precision == 1
    (tmp_path / "bad.tsv.gz").write_bytes(__import__("gzip").compress(b"name\tlat\n"))
    with pytest.raises(InputError, match=r"bad.tsv.gz:1: header"):
        list(read_compact(tmp_path / "bad.tsv.gz"))

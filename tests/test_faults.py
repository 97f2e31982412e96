"""Faults around the store: nothing committed is lost, nothing that is not a store is overwritten.

Each case runs the real CLI, in this process or in a child process that is
killed with SIGKILL at a chosen moment (the child patches one store method to
say where it is and wait there; the store code itself runs unchanged).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString

from geomap.cli import main
from geomap.store import Store
from geomap.store.package import lock_path
from tests.conftest import ROOT

PLACES = [("Kidal", 18.44, 1.41), ("Gao", 16.27, -0.04), ("Tombouctou", 16.77, -3.01), ("Menaka", 15.92, 2.4)]


def _table(path: Path, n: int, *, first_day: int = 1, tag: str = "a") -> Path:
    """A native CSV of ``n`` events, one a day from ``first_day`` (days never repeat within a file)."""
    rows = [
        {
            "event_id": f"{tag}-{i}",
            "event_date": (pd.Timestamp("2023-01-01") + pd.Timedelta(days=first_day + i)).strftime(
                "%Y-%m-%d"
            ),
            "event_type": "Battles",
            "actor1": "Military Forces of Mali (2021-)",
            "country": "Mali",
            "location": PLACES[i % 4][0],
            "latitude": PLACES[i % 4][1],
            "longitude": PLACES[i % 4][2],
            "fatalities": i % 7,
            "source": "RFI",
            "notes": f"Clash {tag}-{i} reported near the town.",
        }
        for i in range(n)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def _ids(path: Path) -> list[str]:
    return sorted(Store(path).read(corrected=False).events["event_id"].astype(str))


def _child(tmp_path: Path, patch: str, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """Run ``geomap ARGS`` in a child process after ``patch`` (Python) has run in it."""
    script = tmp_path / f"child_{time.monotonic_ns()}.py"
    script.write_text(
        "import sys, time\nfrom pathlib import Path\n"
        + textwrap.dedent(patch)
        + f"\nfrom geomap.cli import main\nsys.exit(main({list(args)!r}))\n",
        encoding="utf-8",
    )
    environment = dict(os.environ, PYTHONPATH=str(ROOT))  # the session's GEOMAP_HOME (tests/conftest.py)
    return subprocess.Popen(
        [sys.executable, str(script)],
        env={**environment, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _wait_for(flag: Path, child: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not flag.exists():
        if child.poll() is not None:
            raise AssertionError(f"child ended before {flag.name}: {child.communicate()}")
        assert time.monotonic() < deadline, f"child never reached {flag.name}"
        time.sleep(0.05)


def _pause_at(target: str, flag: Path, *, after: bool = False, spill: bool = False) -> str:
    """Child patch: when ``target`` (``module:function`` or ``module:Class.method``) is called,
    write ``flag`` and wait to be killed (``after``: once the real call has returned).

    ``spill``: give the store's SQLite connection a one-page cache, so that a
    transaction writes its pages into the file before it commits.
    """
    module, attribute = target.split(":")
    owner, _, name = attribute.rpartition(".")
    holder = f"m.{owner}" if owner else "m"
    spill_pages = (
        "from geomap.store import rows\n"
        "rows_init = rows.Transaction.__init__\n"
        "def small_cache(self, *a, **k):\n"
        "    rows_init(self, *a, **k); self.db.execute('PRAGMA cache_size = 1')\n"
        "rows.Transaction.__init__ = small_cache\n"
        if spill
        else ""
    )
    return (
        f"import {module} as m\n{spill_pages}"
        f"real = {holder}.{name}\n"
        "def paused(*a, **k):\n"
        f"    {'real(*a, **k); ' if after else ''}Path({str(flag)!r}).write_text('here'); time.sleep(600)\n"
        f"{holder}.{name} = paused\n"
    )


# --- files that are not geomap stores -------------------------------------------------------


def _plain_sqlite(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('field notes, Gao, 2023')")
        db.commit()


def _foreign_gpkg(path: Path) -> None:
    roads = gpd.GeoDataFrame({"name": ["RN16"]}, geometry=[LineString([(-0.04, 16.27), (1.41, 18.44)])])
    pyogrio.write_dataframe(roads.set_crs("EPSG:4326"), path, layer="roads", driver="GPKG")


NOT_STORES = {
    "csv": (
        "events.csv",
        lambda p: p.write_text("event_date,location\n2023-11-14,Kidal\n"),
        "not a GeoPackage",
    ),
    "geojson": (
        "areas.geojson",
        lambda p: p.write_text(json.dumps({"type": "FeatureCollection", "features": []})),
        "not a GeoPackage",
    ),
    "sqlite": ("notes.sqlite", _plain_sqlite, "a SQLite database but not a GeoPackage"),
    "gpkg": ("roads.gpkg", _foreign_gpkg, "a GeoPackage without geomap's events layer"),
    "empty": ("empty.gpkg", lambda p: p.write_bytes(b""), "not a GeoPackage"),
}


@pytest.mark.parametrize("kind", sorted(NOT_STORES))
def test_a_file_that_is_not_a_store_is_refused_and_left_byte_identical(tmp_path, capsys, kind) -> None:
    name, make, problem = NOT_STORES[kind]
    target = tmp_path / name
    make(target)
    before = target.read_bytes()
    table = _table(tmp_path / "in.csv", 3)
    code, err = _cli(capsys, "import", str(table), "--store", str(target))
    assert code == 2
    assert err.startswith(f"error: {target}: is not a geomap store: {problem}")
    assert "Traceback" not in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "in.csv"])  # nothing beside it


def test_a_folder_named_as_the_store_is_refused(tmp_path, capsys) -> None:
    folder = tmp_path / "maps.gpkg"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    code, err = _cli(capsys, "import", str(_table(tmp_path / "in.csv", 2)), "--store", str(folder))
    assert code == 2
    assert err.startswith(f"error: {folder}: is a folder, not a geomap store")
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_a_truncated_store_is_refused_and_left_as_it_is(tmp_path, capsys) -> None:
    store = tmp_path / "s.gpkg"
    assert _cli(capsys, "import", str(_table(tmp_path / "a.csv", 20)), "--store", str(store))[0] == 0
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    code, err = _cli(capsys, "info", "--store", str(store))
    assert code == 2
    assert "is not a geomap store: truncated" in err
    assert store.read_bytes() == data[: len(data) // 2]


def test_a_store_written_before_the_marker_still_opens_and_is_brought_up_to_date(tmp_path, capsys) -> None:
    old = tmp_path / "old.gpkg"
    events = Store(tmp_path / "new.gpkg")
    assert _cli(capsys, "import", str(_table(tmp_path / "a.csv", 4)), "--store", str(events.path))[0] == 0
    stored = events.read(corrected=False).events
    for layer in ("events", "reports"):  # the two layers of a store written by geomap before issue 13
        pyogrio.write_dataframe(stored, old, layer=layer, driver="GPKG")
    assert _ids(old) == sorted(stored["event_id"])
    assert (
        _cli(
            capsys, "import", str(_table(tmp_path / "b.csv", 3, first_day=50, tag="b")), "--store", str(old)
        )[0]
        == 0
    )
    with contextlib.closing(sqlite3.connect(old)) as db:
        assert db.execute("SELECT value FROM geomap_store WHERE key = 'format_version'").fetchone() == ("2",)
    assert len(_ids(old)) == 7


# --- the folder, the disk ----------------------------------------------------------------------


@contextlib.contextmanager
def _read_only(folder: Path):
    """A folder nobody may write in (root ignores permissions: the immutable attribute then)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def test_a_store_in_a_read_only_folder_gives_a_clear_error(tmp_path, capsys) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    store = folder / "s.gpkg"
    assert _cli(capsys, "import", str(_table(tmp_path / "a.csv", 3)), "--store", str(store))[0] == 0
    before = store.read_bytes()
    with _read_only(folder):
        code, err = _cli(capsys, "import", str(_table(tmp_path / "b.csv", 2, tag="b")), "--store", str(store))
        info = _cli(capsys, "info", "--store", str(store))
    assert code == 2
    assert err.startswith(f"error: {store}: cannot write in {folder}")
    assert "Traceback" not in err
    assert info[0] == 0  # reading still works
    assert store.read_bytes() == before


def test_a_full_disk_fails_the_write_and_keeps_the_store(tmp_path) -> None:
    store = tmp_path / "s.gpkg"
    assert main(["import", str(_table(tmp_path / "a.csv", 5)), "--store", str(store)]) == 0
    before, ids = store.read_bytes(), _ids(store)
    big = _table(tmp_path / "big.csv", 3000, first_day=100, tag="big")
    limit = store.stat().st_size + 64 * 1024  # files may not grow past this: a disk that fills up

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    no_harvest = "import geomap.pipeline as p\np.harvest_places = lambda *a, **k: (0, 0)\n"  # the store only
    child = _child(tmp_path, no_harvest, "import", str(big), "--store", str(store), preexec_fn=full_disk)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 2, err
    assert f"error: {store}: write failed, the store is unchanged" in err
    assert "Traceback" not in err
    # SQLite may leave the failed write in its journal: the next open rolls it back, byte for byte
    assert _ids(store) == ids
    assert store.read_bytes() == before
    assert not store.with_name("s.gpkg-journal").exists()


# --- kill -9 -------------------------------------------------------------------------------------


def _killed_import(tmp_path: Path, store: Path, patch: str, flag: Path) -> None:
    child = _child(
        tmp_path,
        patch,
        "import",
        str(_table(tmp_path / "new.csv", 30, first_day=200, tag="n")),
        "--store",
        str(store),
    )
    _wait_for(flag, child)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _store_with(tmp_path: Path, n: int = 12, backend: str = "gpkg") -> tuple[Path, list[str]]:
    store = tmp_path / f"s.{backend}"
    assert main(["import", str(_table(tmp_path / "first.csv", n)), "--store", str(store)]) == 0
    return store, _ids(store)


def test_kill_before_the_write_leaves_the_store_as_committed(tmp_path) -> None:
    store, ids = _store_with(tmp_path)
    before = store.read_bytes()
    flag = tmp_path / "merged"
    _killed_import(tmp_path, store, _pause_at("geomap.store:Store.update", flag), flag)
    assert store.read_bytes() == before
    assert _ids(store) == ids
    # the dead writer's lock went with it: the next import does not wait
    assert main(["import", str(tmp_path / "new.csv"), "--store", str(store)]) == 0
    assert len(_ids(store)) == len(ids) + 30


def test_kill_during_the_write_rolls_back_to_what_was_committed(tmp_path) -> None:
    store, ids = _store_with(tmp_path)
    flag = tmp_path / "half-written"
    # pause after the events went in and before the reports: pages already on disk (a 1-page cache)
    patch = _pause_at("geomap.store.rows:Transaction.delete", flag, spill=True)
    patch = patch.replace(
        "def paused(*a, **k):\n", "def paused(*a, **k):\n    if a[1] != 'reports': return real(*a, **k)\n"
    )
    _killed_import(tmp_path, store, patch, flag)
    journal = store.with_name(store.name + "-journal")
    assert journal.exists()  # a real half-done write, left for SQLite to roll back
    assert _ids(store) == ids
    assert not journal.exists()
    with contextlib.closing(sqlite3.connect(store)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM rtree_events_geom").fetchone() == (len(ids),)


def test_kill_after_the_commit_keeps_the_new_rows(tmp_path) -> None:
    store, ids = _store_with(tmp_path)
    flag = tmp_path / "committed"
    _killed_import(tmp_path, store, _pause_at("geomap.store:Store.update", flag, after=True), flag)
    assert len(_ids(store)) == len(ids) + 30
    assert set(ids) < set(_ids(store))


def test_kill_while_creating_a_store_leaves_no_store_and_the_next_run_cleans_up(tmp_path) -> None:
    store = tmp_path / "s.gpkg"
    flag = tmp_path / "creating"
    _killed_import(tmp_path, store, _pause_at("geomap.store:_finish", flag), flag)
    leftovers = sorted(p.name for p in tmp_path.glob(".s.gpkg.*.tmp.gpkg*"))
    assert leftovers
    assert not store.exists()
    mine = tmp_path / ".s.gpkg.notes.txt"  # a hidden file of the user's that looks a bit like ours
    mine.write_text("keep")
    assert main(["import", str(tmp_path / "new.csv"), "--store", str(store)]) == 0
    assert list(tmp_path.glob(".s.gpkg.*.tmp.gpkg*")) == []
    assert mine.read_text() == "keep"
    assert len(_ids(store)) == 30


def test_leftovers_are_not_touched_while_another_process_holds_the_lock(tmp_path) -> None:
    store, _ = _store_with(tmp_path, 3)
    leftover = tmp_path / ".s.gpkg.abc123.tmp.gpkg"
    leftover.write_bytes(b"a write in progress")
    flag = tmp_path / "holding"
    holder = _child(
        tmp_path,
        _pause_at("geomap.store:Store.update", flag),
        "import",
        str(_table(tmp_path / "x.csv", 2, first_day=300, tag="x")),
        "--store",
        str(store),
    )
    try:
        _wait_for(flag, holder)
        leftover.write_bytes(b"a write in progress")  # the holder cleaned before it began; this one is "its"
        from geomap.errors import StoreError

        with (
            pytest.raises(StoreError, match=r"another geomap process has been writing this store for 0\.5 s"),
            Store(store, lock_timeout=0.5).lock(),
        ):
            pass
        assert leftover.read_bytes() == b"a write in progress"
    finally:
        holder.kill()
        holder.wait()


# --- concurrent writers ------------------------------------------------------------------------


def test_two_imports_at_once_both_land(tmp_path, backend) -> None:
    store, ids = _store_with(tmp_path, 5, backend)
    a = _table(tmp_path / "a.csv", 40, first_day=400, tag="ca")
    b = _table(tmp_path / "b.csv", 40, first_day=500, tag="cb")
    with Store(store).lock():  # both start while the store is busy, so they really overlap
        children = [_child(tmp_path, "", "import", str(f), "--store", str(store)) for f in (a, b)]
        time.sleep(1.0)
    outputs = [c.communicate(timeout=300) for c in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    assert len(_ids(store)) == len(ids) + 80


def test_a_writer_that_waits_too_long_gives_up_with_a_clear_error(tmp_path) -> None:
    store, _ = _store_with(tmp_path, 3)
    before = store.read_bytes()
    with Store(store).lock():
        child = _child(
            tmp_path,
            "",
            "import",
            str(_table(tmp_path / "b.csv", 2, tag="b")),
            "--store",
            str(store),
            env={"GEOMAP_LOCK_TIMEOUT": "1"},
        )
        _, err = child.communicate(timeout=120)
    assert child.returncode == 2
    assert err.strip().endswith(
        "another geomap process has been writing this store for 1 s; "
        "try again when it has finished (nothing was written)"
    )
    assert store.read_bytes() == before


def test_a_correction_made_during_an_import_is_kept(tmp_path, backend) -> None:
    store, ids = _store_with(tmp_path, 6, backend)
    flag = tmp_path / "merging"
    # the import pauses for 3 s inside its read → merge → write, after reading the store
    patch = (
        "import geomap.merges as m\nreal = m.merge_here\n"
        "def slow(*a, **k):\n"
        f"    Path({str(flag)!r}).write_text('here'); time.sleep(3); return real(*a, **k)\n"
        "m.merge_here = slow\n"
    )
    importing = _child(
        tmp_path,
        patch,
        "import",
        str(_table(tmp_path / "b.csv", 10, first_day=600, tag="b")),
        "--store",
        str(store),
    )
    _wait_for(flag, importing)
    correcting = _child(
        tmp_path, "", "correct", ids[0], "fatalities", "11", "--who", "tester", "--store", str(store)
    )
    out = [importing.communicate(timeout=300), correcting.communicate(timeout=300)]
    assert [importing.returncode, correcting.returncode] == [0, 0], out
    contents = Store(store).read()
    assert len(contents.events) == 16
    assert contents.corrections["event_id"].tolist() == [ids[0]]
    assert contents.events.set_index("event_id").loc[ids[0], "fatalities"] == 11


def test_the_same_file_imported_twice_is_stored_once(tmp_path, capsys) -> None:
    store = tmp_path / "s.gpkg"
    table = _table(tmp_path / "a.csv", 8)
    assert _cli(capsys, "import", str(table), "--store", str(store))[0] == 0
    first = Store(store).read(corrected=False)
    assert _cli(capsys, "import", str(table), "--store", str(store))[0] == 0
    second = Store(store).read(corrected=False)
    assert len(second.events) == len(first.events) == 8
    assert len(second.evidence) == len(first.evidence)
    assert len(Store(store).read_reports()) == 8
    with contextlib.closing(sqlite3.connect(store)) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone() == (8,)
    assert not lock_path(store).read_bytes()  # the lock file holds nothing; the OS lock is the lock


def test_a_read_while_a_writer_commits_waits_and_sees_the_committed_rows(tmp_path) -> None:
    store, ids = _store_with(tmp_path, 4)
    flag = tmp_path / "exclusive"
    # a writer in the middle of its commit: the file locked against readers for 7 s (GDAL gives up after ~5)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, time, pathlib, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE'); pathlib.Path(sys.argv[2]).write_text('x'); time.sleep(7)\n"
            "db.execute('ROLLBACK')\n",
            str(store),
            str(flag),
        ]
    )
    try:
        _wait_for(flag, holder)
        start = time.monotonic()
        assert _ids(store) == ids
        assert time.monotonic() - start > 1  # it did wait for the writer
    finally:
        holder.wait(timeout=60)


def test_two_threads_of_one_process_wait_for_each_other(tmp_path) -> None:
    """The app serves each session in a thread: its writers must exclude each other too."""
    import threading

    from geomap.errors import StoreError

    store = Store(tmp_path / "s.gpkg")
    holding, release, outcome = threading.Event(), threading.Event(), []

    def hold() -> None:
        with store.lock(), store.lock():  # re-entrant within its own thread
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)
    try:
        with Store(store.path, lock_timeout=0.3).lock():
            outcome.append("entered")
    except StoreError as err:
        outcome.append(str(err))
    release.set()
    holder.join(30)
    assert outcome == [f"{store.path}: another geomap process has been writing this store for 0.3 s; "
                       "try again when it has finished (nothing was written)"]  # fmt: skip
    with Store(store.path, lock_timeout=0.3).lock():  # and free again once the holder let go
        pass

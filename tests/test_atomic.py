"""A file is written whole or not at all, with the mode any new file gets."""

from __future__ import annotations

import os
import stat

import pytest

from geomap.atomic import replace_atomically


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replaces_the_old_file_whole(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    replace_atomically(target, lambda tmp: tmp.write_text("<html>new</html>", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "<html>new</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "events.csv"
    target.write_text("event_id\nA1\n", encoding="utf-8")

    def half_then_fail(tmp):
        tmp.write_text("event_id\nB", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        replace_atomically(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "event_id\nA1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]


def test_an_interrupt_during_the_write_leaves_nothing(tmp_path):
    def interrupted(tmp):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_atomically(tmp_path / "new.json", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_the_file_gets_the_usual_mode_not_tempfiles_0600(tmp_path):
    old = os.umask(0o022)
    try:
        written = replace_atomically(
            tmp_path / "sub" / "a.csv", lambda tmp: tmp.write_text("x", encoding="utf-8")
        )
    finally:
        os.umask(old)
    assert _mode(written) == 0o644


def test_temporary_name_keeps_the_suffix_writers_go_by(tmp_path):
    seen = []
    replace_atomically(tmp_path / "out.gpkg", lambda tmp: seen.append(tmp.name) or tmp.write_bytes(b"x"))
    assert seen[0].startswith(".out.gpkg.")
    assert seen[0].endswith(".tmp.gpkg")
    replace_atomically(
        tmp_path / "s.gpkg",
        lambda tmp: seen.append(tmp.name) or tmp.write_bytes(b"x"),
        suffix=".tmp.x",
        durable=True,
    )
    assert seen[1].endswith(".tmp.x")
    assert (tmp_path / "s.gpkg").read_bytes() == b"x"

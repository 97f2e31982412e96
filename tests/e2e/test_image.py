"""Static figures: `geomap map --png/--pdf` renders the map in headless Chromium, or says what is missing."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from geomap.errors import ExportError
from geomap.mapping import image
from geomap.mapping.build import build_map

pytestmark = pytest.mark.e2e


def _png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_png_and_pdf_from_the_command_line(chromium, sample_store, tmp_path) -> None:
    # a separate process: Playwright's sync API cannot nest inside the session's browser fixture
    png, pdf = tmp_path / "fig.png", tmp_path / "fig.pdf"
    args = ["map", "--store", str(sample_store.path), "--png", str(png), "--pdf", str(pdf)]
    done = subprocess.run(
        [sys.executable, "-m", "geomap.cli", *args, "--width", "800", "--height", "500", "--scale", "1.5"],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _png_size(png) == (1200, 750)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "map.html").exists()  # only the figures were asked for


def test_a_missing_chromium_is_explained(sample_store, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(image, "find_chromium", lambda: None)
    with pytest.raises(ExportError, match="apt-get install chromium"):
        image.export_image(build_map(sample_store.read_events()), tmp_path / "fig.png")


def test_only_png_and_pdf(sample_store, tmp_path) -> None:
    with pytest.raises(ExportError, match=r"\.png or \.pdf"):
        image.export_image(build_map(sample_store.read_events()), tmp_path / "fig.svg")

"""geomap's benchmarks (see run.py); their results go to docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(section: str, begin: str, end: str) -> None:
    """Put ``section`` (which starts with ``begin`` and ends with ``end``) in docs/benchmarks.md.

    It replaces what is between those markers, or is appended the first time.
    """
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def run_alone(run: Callable[..., str], description: str | None, *, quick_help: str) -> None:
    """``python -m benchmarks.NAME [--quick]``: one benchmark's ``run``, in a private GEOMAP_HOME."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    args = parser.parse_args()
    os.environ["GEOMAP_HOME"] = tempfile.mkdtemp(prefix="geomap-bench-")
    with tempfile.TemporaryDirectory() as tmp:
        print(run(quick=args.quick, work=Path(tmp)))

"""DESIGN.md §2: imports go downward only, and heavy outside libraries stay in their one place.

The modules are read with ``ast`` (nothing is imported), so a violation is
found even in code that no other test runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "geomap"

#: rank of each top-level part of geomap; a module may import only parts of a lower rank
#: (and modules of its own sub-package).
RANKS = {
    # the foundation is ordered too: errors ← model ← schema ← config
    "errors": 0.0,
    "atomic": 0.05,  # writing a file whole or not at all (imports nothing of geomap)
    "model": 0.1,
    "columns": 0.12,  # the table's column names and ids, importable without pandas (schema re-exports them)
    "cells": 0.15,  # reading one cell as a number or a date
    "plausibility": 0.15,  # values of the right kind that cannot be true
    "schema": 0.2,
    "config": 0.3,
    "ingest": 1,
    "extract": 1,
    "gazetteer": 1,
    "geocode": 2,
    "sourcing": 3,
    "corrections": 3.5,  # laid over the events when the store is read
    "store": 4,
    "filters": 4,
    "overview": 4,  # events per region and week, for the app
    "facts": 4.5,  # what `geomap info` shows: read through sqlite3, or through the store
    "aggregates": 4.6,  # counts by country, admin-1, week, type and H3 cell, read through the store
    "mapping": 5,
    "scope": 5.4,  # the stored reports an import can reach, found through the store's filters
    "merges": 5.5,  # the store's events merged again from its reports
    "pipeline": 6,
    "engine": 6.5,  # the pipeline on a Dask cluster
    "cli": 7,
    "app": 7,
}

#: outside libraries allowed only in the listed parts (DESIGN.md §2)
CONFINED = {
    "folium": ("mapping",),
    "branca": ("mapping",),
    "geopy": ("geocode.online",),
    "streamlit": ("app",),
    "dask": ("engine",),
    "distributed": ("engine",),
}


def _modules() -> list[tuple[str, Path]]:
    found = [("app", ROOT / "app.py")] if (ROOT / "app.py").exists() else []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            found.append((".".join(parts), path))
    return found


def _imports(path: Path, *, root: Path = ROOT) -> list[str]:
    """Absolute names imported by a module (relative imports resolved against geomap)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = path.relative_to(root).with_suffix("").parts[: -node.level]
                base = ".".join(package + ((node.module,) if node.module else ()))
                names.append(base)
            elif node.module:
                names.append(node.module)
                if node.module == "geomap":
                    names.extend(f"geomap.{alias.name}" for alias in node.names)
    return names


def _part(module: str) -> str:
    return module.split(".")[0]


MODULES = _modules()


def test_every_part_has_a_rank() -> None:
    unknown = {_part(name) for name, _ in MODULES} - set(RANKS) - {""}
    assert not unknown, f"add these parts of geomap to RANKS and to DESIGN.md §2: {sorted(unknown)}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_imports_go_downward(module: str, path: Path) -> None:
    own = _part(module)
    for name in _imports(path):
        if not name.startswith("geomap.") or name == "geomap":
            continue
        target = _part(name.removeprefix("geomap."))
        if target == own or target.startswith("__"):  # own sub-package, or geomap.__version__
            continue
        assert RANKS[target] < RANKS[own], f"{module} imports {name}: {own} may not depend on {target}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_outside_libraries_stay_confined(module: str, path: Path) -> None:
    for name in _imports(path):
        library = name.split(".")[0]
        allowed = CONFINED.get(library)
        if allowed is None:
            continue
        assert any(module == a or module.startswith(a + ".") for a in allowed), (
            f"{module} imports {library}, which belongs only in {allowed}"
        )


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The rule above must be able to fail: a store module importing the CLI is caught."""
    bad = tmp_path / "geomap" / "store.py"
    bad.parent.mkdir()
    bad.write_text("from geomap.cli import main\nimport folium\n", encoding="utf-8")
    names = _imports(bad, root=tmp_path)
    assert "geomap.cli" in names
    assert RANKS["cli"] > RANKS["store"]
    assert "folium" in names

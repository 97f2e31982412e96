"""Settings from the environment, with explicit arguments winning."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.config import DATA_DIR, Settings, load_settings
from geomap.errors import ConfigError, GeomapError


def test_default_store_is_in_the_working_directory(monkeypatch) -> None:
    monkeypatch.delenv("GEOMAP_STORE", raising=False)
    assert load_settings().store == Path("geomap.gpkg")


def test_environment_and_arguments(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GEOMAP_STORE", str(tmp_path / "env.gpkg"))
    monkeypatch.setenv("GEOMAP_HOME", str(tmp_path / "home"))
    assert load_settings().store == tmp_path / "env.gpkg"
    assert load_settings().home == tmp_path / "home"
    assert load_settings(store=tmp_path / "arg.gpkg").store == tmp_path / "arg.gpkg"


def test_online_geocoders_need_a_user_agent(monkeypatch) -> None:
    monkeypatch.setenv("GEOMAP_ONLINE", "nominatim")
    monkeypatch.delenv("GEOMAP_USER_AGENT", raising=False)
    with pytest.raises(ConfigError, match="user agent") as caught:
        load_settings()
    assert isinstance(caught.value, GeomapError)
    assert isinstance(caught.value, ValueError)
    monkeypatch.setenv("GEOMAP_USER_AGENT", "geomap-tests/0.1 (tests@example.org)")
    assert load_settings().online_geocoders == ("nominatim",)


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().store = Path("other.gpkg")  # type: ignore[misc]


def test_data_dir_is_the_repository_data_folder() -> None:
    assert DATA_DIR.name == "data"

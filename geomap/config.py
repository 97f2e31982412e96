"""Settings: where geomap keeps its files and which optional, networked parts are on.

Settings are frozen; build one with :func:`load_settings`, which reads the
environment (``GEOMAP_STORE``, ``GEOMAP_HOME``, ``GEOMAP_ONLINE``,
``GEOMAP_USER_AGENT``, ``GEOMAP_COUNTRIES``, ``GEOMAP_SCHEDULER``) and lets explicit arguments win.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from geomap.errors import ConfigError

#: the repository's data folder (sample inputs, actors.yaml, sources.yaml, overrides)
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_STORE = "geomap.gpkg"


@dataclass(frozen=True)
class Settings:
    """Paths and switches shared by the pipeline, the CLI and the app."""

    store: Path = Path(DEFAULT_STORE)
    home: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir("geomap")))
    data_dir: Path = DATA_DIR
    online_geocoders: tuple[str, ...] = ()  # empty: offline only
    user_agent: str = ""
    #: where the researcher works (ISO2/ISO3 codes): a text naming no country is geocoded within them
    countries: tuple[str, ...] = ()
    #: the Dask scheduler ``--engine dask`` connects to (``tcp://host:8786``); empty: a local cluster
    scheduler: str = ""

    def __post_init__(self) -> None:
        for code in self.countries:
            if not (code.isalpha() and len(code) in (2, 3)):
                raise ConfigError(f"GEOMAP_COUNTRIES: {code!r} is not an ISO 3166 code (ML, BFA, NE…)")
        if self.online_geocoders and not self.user_agent.strip():
            raise ConfigError(
                "online geocoders need a user agent that identifies you "
                "(set GEOMAP_USER_AGENT, e.g. 'geomap/0.1 (you@example.org)')"
            )


def load_settings(*, store: str | os.PathLike | None = None, **overrides: object) -> Settings:
    """Settings from the environment, with explicit arguments taking precedence."""
    env = os.environ
    online = tuple(n.strip() for n in env.get("GEOMAP_ONLINE", "").split(",") if n.strip())
    values: dict[str, object] = {
        "store": Path(store or env.get("GEOMAP_STORE") or DEFAULT_STORE),
        "online_geocoders": online,
        "user_agent": env.get("GEOMAP_USER_AGENT", ""),
        "countries": parse_countries(env.get("GEOMAP_COUNTRIES", "")),
        "scheduler": env.get("GEOMAP_SCHEDULER", "").strip(),
    }
    if env.get("GEOMAP_HOME"):
        values["home"] = Path(env["GEOMAP_HOME"])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]


def parse_countries(text: str) -> tuple[str, ...]:
    """Country codes from a comma-separated list ("ML, BFA,ne" → ("ML", "BFA", "NE"))."""
    return tuple(c.strip().upper() for c in text.split(",") if c.strip())

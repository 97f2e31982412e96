"""The source registry: which outlet a report comes from, what kind it is, who owns it, how far to trust it.

Outlets are read from ``data/sources.yaml`` (documented at its top) and, when
present, the researcher's own ``$GEOMAP_HOME/sources.yaml``, whose entries add
to or replace the shipped ones by name.  A report is matched to an outlet by
its URL's domain first (subdomains included), then by name or alias (case and
accents ignored; a close spelling only above a high rapidfuzz score).  Outlets
the registry does not know are graded F: cannot be judged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import yaml
from rapidfuzz import fuzz, process

from geomap.config import DATA_DIR, load_settings
from geomap.errors import InputError
from geomap.gazetteer.index import normalize_name
from geomap.model import Reliability

log = logging.getLogger(__name__)

DEFAULT_REGISTRY = DATA_DIR / "sources.yaml"
KINDS = frozenset(
    ["wire", "international", "national", "local", "state-affiliated", "un-ngo", "party-statement",
     "social-media", "research"]
)  # fmt: skip
UNKNOWN_REASON = "not in the source registry: cannot be judged"
NAME_MATCH_CUTOFF = 92  # rapidfuzz ratio for a close spelling of a known outlet's name


@dataclass(frozen=True)
class Outlet:
    """One outlet of the registry."""

    name: str
    kind: str
    country: str
    owner: str
    reliability: str
    reason: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


class SourceRegistry:
    """Outlets by domain and by name."""

    def __init__(self, outlets: list[Outlet]) -> None:
        self.outlets = outlets
        self._by_domain = {d.lower(): o for o in outlets for d in o.domains}
        self._by_name = {normalize_name(n): o for o in outlets for n in (o.name, *o.aliases)}
        self._seen: dict[tuple[str, str], Outlet | None] = {}

    @classmethod
    def load(cls, path: Path | None = None, *, extra: Path | None = None) -> SourceRegistry:
        """The shipped registry plus the researcher's file (default ``$GEOMAP_HOME/sources.yaml``)."""
        outlets = {o.name: o for o in read_registry(path or DEFAULT_REGISTRY)}
        user = extra or load_settings().home / "sources.yaml"
        for mine in read_registry(user) if user.exists() else []:
            shipped = outlets.get(mine.name)
            if shipped is not None:  # a regraded outlet keeps the domains and aliases it is recognised by
                mine = replace(
                    mine, aliases=mine.aliases or shipped.aliases, domains=mine.domains or shipped.domains
                )
            outlets[mine.name] = mine
        return cls(list(outlets.values()))

    def match(self, *, outlet: str = "", url: str = "") -> Outlet | None:
        """The registry's outlet for a report's URL or outlet name, or None."""
        if (outlet, url) not in self._seen:  # many reports share an outlet and its URL: parse each once
            host = (urlsplit(url.strip()).hostname or "") if url else ""
            self._seen[(outlet, url)] = self._match(outlet, host)
        return self._seen[(outlet, url)]

    def _match(self, outlet: str, host: str) -> Outlet | None:
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        key = normalize_name(outlet or "")
        if not key:
            return None
        if key in self._by_name:
            return self._by_name[key]
        close = process.extractOne(
            key, list(self._by_name), scorer=fuzz.ratio, score_cutoff=NAME_MATCH_CUTOFF
        )
        return self._by_name[close[0]] if close else None

    def grade(self, *, outlet: str = "", url: str = "") -> tuple[str, str]:
        """(reliability A–F, the reason); unknown outlets are F."""
        known = self.match(outlet=outlet, url=url)
        return (known.reliability, known.reason) if known else (Reliability.F.value, UNKNOWN_REASON)

    def independence_key(self, *, outlet: str = "", url: str = "") -> str:
        """Reports sharing this key are one source: the owner when known, else the outlet's name."""
        known = self.match(outlet=outlet, url=url)
        if known is not None:
            return known.owner or known.name
        return normalize_name(outlet or urlsplit(url).hostname or "unknown")


def read_registry(path: Path) -> list[Outlet]:
    """Outlets of one YAML file; a bad entry raises InputError naming the file, the entry and the field."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read the source registry: {err}") from err
    if not isinstance(entries, list):
        raise InputError(f"{path}: the registry must be a list of outlets")
    return [_outlet(entry, path, number) for number, entry in enumerate(entries, start=1)]


def _outlet(entry: object, path: Path, number: int) -> Outlet:
    where = f"{path}: entry {number}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: not a mapping of fields")
    name = str(entry.get("name") or "").strip()
    if not name:
        raise InputError(f"{where}: name: missing")
    where = f"{path}: entry {number} ({name})"
    kind, grade = str(entry.get("kind") or ""), str(entry.get("reliability") or "")
    if kind not in KINDS:
        raise InputError(f"{where}: kind: {kind!r} is not one of {', '.join(sorted(KINDS))}")
    if grade not in {r.value for r in Reliability}:
        raise InputError(f"{where}: reliability: {grade!r} is not a grade A–F")
    return Outlet(
        name=name,
        kind=kind,
        country=str(entry.get("country") or ""),
        owner=str(entry.get("owner") or name),
        reliability=grade,
        reason=str(entry.get("reason") or ""),
        aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        domains=tuple(str(d).lower() for d in entry.get("domains") or ()),
    )


def annotate_sources(sources: pd.DataFrame, registry: SourceRegistry) -> pd.DataFrame:
    """Fill ``kind`` and ``reliability`` of a sources table from the registry.

    A grade other than F already set (by a researcher, or a table that carries
    one) is kept; empty or F grades take the registry's.
    """
    sources = sources.copy()
    for column in ("kind", "reliability"):
        if column not in sources:
            sources[column] = None
    kinds, grades = [], []
    for outlet, url, kind, grade in zip(
        sources["outlet"].fillna(""),
        sources["url"].fillna(""),
        sources["kind"],
        sources["reliability"],
        strict=True,
    ):
        known = registry.match(outlet=str(outlet), url=str(url))
        kinds.append(kind if isinstance(kind, str) and kind else (known.kind if known else ""))
        keep = isinstance(grade, str) and grade and grade != Reliability.F.value
        grades.append(grade if keep else (known.reliability if known else Reliability.F.value))
    sources["kind"], sources["reliability"] = kinds, grades
    return sources

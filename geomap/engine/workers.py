"""What a worker needs to do as the client would, and the read-only resolver each worker opens once."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import ConfigError
from geomap.extract.actors import ActorDictionary, default_actors
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to read files as the client would: the gazetteer, countries and actors."""

    gazetteer: str  # the client's gazetteer file (on a filesystem the workers share)
    version: tuple[int, int]  # its modification time and size: a worker reopens it when they change
    countries: tuple[str, ...]
    actors: ActorDictionary


def worker_spec(resolver: Resolver, actors: ActorDictionary | None) -> WorkerSpec:
    """The spec of ``resolver`` for the workers; refuses what they cannot do the same way."""
    if resolver.online:
        raise ConfigError(
            "the Dask engine resolves places offline only for now: unset GEOMAP_ONLINE, "
            "or import with the local engine"
        )
    path = Path(resolver.gazetteer.path).resolve()
    return WorkerSpec(str(path), _version(path), resolver.countries, actors or default_actors())


def _version(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


_local = threading.local()


def worker_resolver(spec: WorkerSpec) -> Resolver:
    """This thread's resolver over the gazetteer of ``spec``, opened once per gazetteer version."""
    key = (spec.gazetteer, spec.version, spec.countries)
    if getattr(_local, "key", None) != key:
        _local.resolver = Resolver(Gazetteer.read_only(Path(spec.gazetteer)), countries=spec.countries)
        _local.key = key
    return _local.resolver

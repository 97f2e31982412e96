"""The engine switch: import on this machine (the default) or on a Dask cluster.

One pipeline (:func:`geomap.pipeline.import_files`), with three seams the Dask engine fills:

* ``reader`` (:class:`DaskReader`): files are read on the cluster through :mod:`dask.bag`, one
  file per item — articles read, their events extracted and their places resolved there — and big
  CSV tables in row chunks (:mod:`geomap.engine.tables`); row problems keep their ``file:row``.
  Each worker opens the gazetteer read-only, once per version of it (:mod:`geomap.engine.workers`).
* ``placer`` (:mod:`geomap.engine.places`): the rows the gazetteer may learn from are picked on the
  workers and merged by one reduce step, the client harvests them once, and the distinct place
  keys of the rows without a point are resolved on the workers and joined back.
* ``merger`` (:mod:`geomap.engine.merging`): blocks of event type and time → matching pairs per
  block on the workers → connected components (scipy) → bundles of whole components, each merged
  on a worker by the local merger.

Grading and the store write stay in the client (one writer, under the store's lock).  Every stage
gives what the local one gives, so the event table is the same, bit for bit, for any number of
partitions and any order of the files.

Needs the ``dask`` extra (``pip install 'geomap[dask]'``); without it, asking for the Dask engine
raises a :class:`~geomap.errors.ConfigError` that says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geomap import aggregates
from geomap.aggregates import COLUMNS, RESOLUTIONS, TOTALS, finish, keyed
from geomap.config import load_settings
from geomap.engine.merging import DaskMerger
from geomap.engine.places import DaskPlacer
from geomap.engine.tables import chunked, read_chunked
from geomap.engine.workers import WorkerSpec, worker_resolver, worker_spec
from geomap.errors import ConfigError, GeomapError
from geomap.extract.actors import ActorDictionary
from geomap.geocode import Resolver
from geomap.ingest.tables import TableImport
from geomap.pipeline import FileResult, ImportReport, read_or_error
from geomap.pipeline import import_files as import_here

if TYPE_CHECKING:
    from distributed import Client

    from geomap.store import Store

__all__ = [
    "ENGINES",
    "LOCAL_CLUSTER",
    "DaskReader",
    "WorkerSpec",
    "connect",
    "import_files",
    "require_dask",
    "worker_spec",
]

ENGINES = ("local", "dask")
INSTALL = "pip install 'geomap[dask]'"
#: partitions per worker when the caller names no number: enough to even out files of unequal cost
PARTITIONS_PER_WORKER = 4
#: at most this many files are read in one partition: a worker holds one partition's results until the
#: client has them, so partitions stay small however large the corpus (20k articles in 4 partitions
#: kept 2.1 GiB on one worker)
FILES_PER_PARTITION = 250


def import_files(
    paths: Sequence[str | os.PathLike],
    *,
    store: Store,
    client: Client | None = None,
    partitions: int | None = None,
    **options: Any,
) -> ImportReport:
    """Import ``paths`` into ``store``, on the Dask cluster of ``client`` when one is given.

    Parameters
    ----------
    paths, store, options
        As for :func:`geomap.pipeline.import_files` (``resolver``, ``registry``, ``actors``,
        ``merge``, ``harvest``, ``progress``).
    client
        A :class:`distributed.Client` (see :func:`connect`); the local engine when omitted.
    partitions
        How many partitions the files are split into; four per worker when omitted.
    """
    if client is None:
        return import_here(paths, store=store, **options)
    reader = DaskReader(client, partitions=partitions)
    count = partitions or PARTITIONS_PER_WORKER * reader.workers()
    placer, merger = DaskPlacer(client, partitions=count), DaskMerger(client, partitions=count)
    return import_here(paths, store=store, reader=reader, placer=placer, merger=merger, **options)


def connect(scheduler: str | None = None, *, workers: int | None = None) -> Client:
    """A Dask client: of the cluster at ``scheduler`` (or ``$GEOMAP_SCHEDULER``), else a local one.

    The local cluster has ``workers`` processes (default: one per core) of one thread each, and is
    closed with the client.  Use it as a context manager: ``with connect() as client: ...``.
    """
    Client = require_dask().Client
    address = scheduler or load_settings().scheduler
    if address and workers is not None:
        raise ConfigError("--workers starts a local cluster: it does not go with a scheduler address")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers: {workers}: give one worker or more")
    if address:
        try:
            return Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as err:
            raise ConfigError(f"{address}: cannot reach the Dask scheduler: {err}") from err
    return Client(n_workers=workers or os.cpu_count() or 1, **LOCAL_CLUSTER)


#: The options of a local cluster of one-thread worker processes without a dashboard.  With
#: ``dashboard_address=None`` alone the scheduler still opens its HTTP server (health, metrics) on
#: 8787 and warns "Port 8787 is already in use" when a second cluster runs; ``:0`` takes a free port.
LOCAL_CLUSTER = {
    "threads_per_worker": 1,
    "processes": True,
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": ":0"},
}


def require_dask():
    """The ``distributed`` module; a ConfigError naming the extra when it (or dask.bag) is missing."""
    try:
        import dask.bag  # noqa: F401 — the engine needs both
        import distributed
    except ImportError as err:
        raise ConfigError(f"the Dask engine needs the dask extra: {INSTALL} ({err})") from err
    return distributed


class DaskReader:
    """A :data:`geomap.pipeline.Reader` that reads the files on a Dask cluster (module docstring)."""

    def __init__(self, client: Client, *, partitions: int | None = None) -> None:
        require_dask()
        if partitions is not None and partitions < 1:
            raise ConfigError(f"partitions: {partitions}: give one or more")
        self.client = client
        self.partitions = partitions

    def __call__(
        self, files: Sequence[Path], *, resolver: Resolver, actors: ActorDictionary | None = None
    ) -> Iterator[FileResult]:
        """Each file and what reading it gave, in file order.

        Big CSV tables (:func:`geomap.engine.tables.chunked`) are read in row chunks, the other
        files whole, one file per item of a :mod:`dask.bag`.
        """
        if not files:
            return
        import dask
        import dask.bag as db
        from distributed import as_completed

        whole = [(i, str(p)) for i, p in enumerate(files) if not chunked(p)]
        found: dict[int, TableImport | GeomapError] = {}
        futures = []
        if whole:
            spec = worker_spec(resolver, actors)
            count = self.partitions or max(
                PARTITIONS_PER_WORKER * self.workers(), -(-len(whole) // FILES_PER_PARTITION)
            )
            bag = db.from_sequence(whole, npartitions=min(len(whole), count))
            futures = self.client.compute(bag.map_partitions(read_partition, dask.delayed(spec)).to_delayed())
        big = sorted(set(range(len(files))) - {i for i, _ in whole})
        for index in big:  # while the bag's partitions run
            found[index] = read_chunked(self.client, files[index])
        if futures:
            # each partition's results leave its worker as soon as it is done: none waits on the others
            done = as_completed(futures)
            futures = None
            for future in done:
                found.update(future.result())
                future.release()
        for index in range(len(files)):
            yield files[index], found.pop(index)

    def workers(self) -> int:
        """How many workers the cluster has now (one at least)."""
        return max(1, len(self.client.scheduler_info().get("workers", {})))


def read_partition(
    items: Sequence[tuple[int, str]], spec: WorkerSpec
) -> list[tuple[int, TableImport | GeomapError]]:
    """On a worker: read each (index, path) of one partition with the shared per-file reader."""
    resolver = worker_resolver(spec)
    return [(i, read_or_error(Path(p), resolver=resolver, actors=spec.actors)) for i, p in items]


def aggregate_on_cluster(
    events: pd.DataFrame | None = None,
    *,
    client: Client,
    files: Sequence[str] | None = None,
    partitions: int | None = None,
    resolutions: Sequence[int] = RESOLUTIONS,
) -> dict[str, pd.DataFrame]:
    """The tables of :func:`geomap.aggregates.aggregate`, computed on the cluster of ``client``.

    Parameters
    ----------
    events
        Rows with :data:`geomap.aggregates.COLUMNS`, split into ``partitions``
        (four per worker when omitted); or
    files
        GeoParquet files of a parquet store's events (:func:`geomap.aggregates.uncorrected_files`),
        which the workers read themselves, one partition a file.
    client, resolutions
        The Dask client; the H3 resolutions of the density grids.
    """
    require_dask()
    import dask.dataframe as dd

    if files:
        # the folder names (year=…/iso3=…) are not columns: iso3 is read from the files
        frame = dd.read_parquet(list(files), columns=COLUMNS, dataset={"partitioning": None})
    else:
        count = partitions or PARTITIONS_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        rows = pd.DataFrame(events[COLUMNS]).reset_index(drop=True)
        frame = dd.from_pandas(rows, npartitions=max(1, min(count, len(rows))))
    keyed_rows = frame.map_partitions(keyed, resolutions, meta=keyed(frame._meta, resolutions))
    names = aggregates.tables(resolutions)  # not `tables`: that name is the engine.tables module
    summed = [keyed_rows.groupby(keys)[TOTALS].sum() for keys in names.values()]
    results = client.compute(summed, sync=True)
    return {name: finish(r, keys) for (name, keys), r in zip(names.items(), results, strict=True)}

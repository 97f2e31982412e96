"""The ``geomap`` command.

Every command takes ``--store PATH`` (default ``./geomap.gpkg`` or
``$GEOMAP_STORE``).  A :class:`~geomap.errors.GeomapError` prints ``error: …``
on stderr and exits with status 2; long work shows a progress bar when stderr
is a terminal and stays quiet otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from geomap import __version__
from geomap.config import load_settings
from geomap.errors import ConfigError, GeomapError, InputError
from geomap.gazetteer import DUMP_URL  # the default shown by --help; the gazetteer loads when used

if TYPE_CHECKING:
    from rich.progress import Progress

    from geomap.pipeline import ImportReport
    from geomap.store import Store

# Each command imports what it needs when it runs: pandas, geopandas, folium and the pipeline take
# ~0.8 s to import, and `geomap --help`, `geomap info` and `geomap geocode` need none of them
# (benchmarks/cli_start.py).  Help is click's plain text (rich_markup_mode=None): typer's rich help
# imports and renders with rich, which doubled the time of `geomap --help`; rich is imported only for a
# progress bar on a terminal.

app = typer.Typer(
    name="geomap",
    help="Map what sources report about armed conflict, with the sourcing of every event.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="The GeoPackage store [default: ./geomap.gpkg or $GEOMAP_STORE]."),
]
EXPORT_FORMATS = ("csv", "geojson", "gpkg")
APP_PATH = Path(__file__).resolve().parent.parent / "app.py"


def say(text: str, *, err: bool = False) -> None:
    """Print one line of plain text, as it is: outlet names and file paths may contain brackets."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def _store(path: Path | None) -> Store:
    from geomap.store import Store

    return Store(load_settings(store=path).store)


def _progress_bar() -> Progress | None:
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True, soft_wrap=True),
        transient=True,
    )


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Event tables (.csv, .geojson, .gpkg), articles (.txt, .md, .html, .json) or folders."
        ),
    ],
    merge: Annotated[
        bool, typer.Option(help="Merge reports of the same event (new and stored) into one event.")
    ] = True,
    engine: Annotated[
        str, typer.Option(help="Where the files are read: here (local) or on a Dask cluster (dask).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="--engine dask: the scheduler's address [default: $GEOMAP_SCHEDULER, else local]."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="--engine dask: the local cluster's worker processes [default: cores].")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Import event tables (native, ACLED, UCDP GED) and articles into the store."""
    _check_engine(engine, scheduler, workers)
    target = _store(store)
    if engine == "local":
        report = _import(paths, target, merge=merge)
    else:
        from geomap.engine import connect, require_dask

        require_dask()  # Dask logs its start and stop at INFO: shown with --verbose only, like geomap's own
        logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())
        with connect(scheduler, workers=workers) as client:
            report = _import(paths, target, merge=merge, client=client)
    _print_report(report, target)
    keep_app_map(target)
    if report.events_read == 0 and (report.file_errors or report.problems):
        raise InputError("nothing was imported")
    if report.file_errors:  # the good files are in the store; a script must still learn of the others
        raise InputError(f"{len(report.file_errors)} of {len(report.files)} file(s) could not be read")


def keep_app_map(target: Store) -> None:
    """Make the app's map of the store as it is now, so the app's next launch finds it ready.

    The import has succeeded whatever happens here: a map that cannot be made is only noted
    (the app makes it when it starts).
    """
    from geomap.mapping.appmap import refresh

    try:
        refresh(target.path)
    except (GeomapError, OSError, ValueError) as err:
        say(f"note: the app's map was not made ({err}); the app makes it when it starts", err=True)


def _check_engine(engine: str, scheduler: str | None, workers: int | None) -> None:
    """ConfigError for an unknown engine, or cluster options given to the local one."""
    from geomap.engine import ENGINES

    if engine not in ENGINES:
        raise ConfigError(f"--engine: {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "local" and (scheduler or workers is not None):
        raise ConfigError("--scheduler and --workers are for --engine dask")


def _import(paths: list[Path], target: Store, **options: object) -> ImportReport:
    from geomap.engine import import_files

    bar = _progress_bar()
    if bar is None:
        return import_files(paths, store=target, **options)
    with bar:
        task = bar.add_task("importing", total=None)
        return import_files(
            paths,
            store=target,
            progress=lambda done, total, name: bar.update(task, completed=done, total=total),
            **options,
        )


def _print_report(report: ImportReport, store: Store) -> None:
    for problem in report.problems:
        say(f"rejected {problem}", err=True)
    for error in report.file_errors:
        say(f"error: {error}", err=True)
    for note in report.notes:
        say(f"note: {note}", err=True)
    for note in report.unresolved:
        say(f"unresolved: {note}", err=True)
    summary = report.summary
    if summary is not None:
        say(
            f"{report.events_read} events read from {len(report.files)} file(s): "
            f"{summary.events_added} new, {summary.events_updated} updated; "
            f"{len(report.problems)} row(s) rejected; store {store.path}"
        )
    if report.merging is not None:
        say(f"store: {report.merging}")


@app.command("extract")
def extract_command(
    paths: Annotated[list[Path], typer.Argument(help="Articles (.txt, .md, .html, .json) or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per event and line.")] = False,
) -> None:
    """Print the events found in articles, with the sentences that report them (nothing is stored)."""
    from geomap.pipeline import expand_inputs, read_article_file

    failed = found = 0
    for path in expand_inputs(paths):
        try:
            table = read_article_file(path)
        except GeomapError as err:
            say(f"error: {err}", err=True)
            failed += 1
            continue
        for problem in table.problems:
            say(f"rejected {problem}", err=True)
        for record in extracted_records(table):
            found += 1
            if as_json:
                typer.echo(json.dumps(record, ensure_ascii=False, default=str))
            else:
                say(_extracted_line(record))
    if not as_json:
        say(f"{found} event(s) found; {failed} file(s) could not be read", err=True)
    if failed and not found:
        raise InputError("no article could be read")


def extracted_records(table) -> list[dict]:
    """The events of an article table as JSON-ready dicts: the §3 columns (no geometry) plus evidence."""
    records = []
    evidence = table.evidence.to_dict("records")
    for row in table.events.drop(columns="geometry").to_dict("records"):
        record = {k: (None if _missing(v) else v) for k, v in row.items()}
        record["evidence"] = [
            {k: e[k] for k in ("source_id", "sentence", "start", "end", "claim_status", "claimant")}
            for e in evidence
            if e["event_id"] == row["event_id"]
        ]
        records.append(record)
    return records


def _missing(value: object) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _extracted_line(record: dict) -> str:
    actors = " vs ".join(a for a in (record.get("actor1"), record.get("actor2")) if a)
    return (
        f"{record['event_date']}  {record['event_type']} / {record['sub_event_type']}  "
        f"{record.get('location') or '?'}  [{record['claim_status']}]  {actors}"
    )


@app.command("map")
def map_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file to write [default: map.html].")
    ] = None,
    offline: Annotated[bool, typer.Option(help="Inline Leaflet so the page needs no network.")] = False,
    base: Annotated[
        str,
        typer.Option(
            help="'offline' (shipped: countries, regions, rivers, lakes, town labels) or a tile layer: "
            "OpenStreetMap, OpenTopoMap…"
        ),
    ] = "offline",
    title: Annotated[str | None, typer.Option(help="Title shown on the map.")] = None,
    png: Annotated[Path | None, typer.Option(help="Also render a PNG figure (needs Chromium).")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Also render a PDF figure (needs Chromium).")] = None,
    width: Annotated[int, typer.Option(help="Figure width in CSS pixels.")] = 1600,
    height: Annotated[int, typer.Option(help="Figure height in CSS pixels.")] = 1000,
    scale: Annotated[float, typer.Option(help="Figure pixel density (2 = retina).")] = 2.0,
    large: Annotated[
        bool | None,
        typer.Option(
            "--large/--small",
            help="The large-map path (typed arrays, text unpacked on demand, supercluster) or the small one "
            "[default: large above 50,000 events].",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write the stored events as an interactive HTML map, and optionally as a PNG or PDF figure."""
    from geomap.mapping.build import build_map
    from geomap.mapping.export import export_html
    from geomap.mapping.image import export_image

    target = _store(store)
    contents = target.read()
    if contents.events.empty:
        raise InputError(f"{target.path}: the store holds no events; run `geomap import` first")

    def new_map():
        return build_map(
            contents.events, evidence=contents.evidence, sources=contents.sources, base=base, title=title,
            large=large,
        )  # fmt: skip

    if out is not None or (png is None and pdf is None):
        path = export_html(new_map(), out or Path("map.html"), offline=offline)
        say(f"wrote {path} ({len(contents.events)} events)")
    for figure in (f for f in (png, pdf) if f is not None):
        path = export_image(new_map(), figure, width=width, height=height, scale=scale)
        say(f"wrote {path}")


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, geojson or gpkg.")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write [default: events.FORMAT].")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export the stored events as CSV (ACLED-compatible columns), GeoJSON or GeoPackage."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    from geomap.mapping.export import export_events

    contents = _store(store).read()
    target = out or Path(f"events.{fmt}")
    path = export_events(
        contents.events, target, fmt=fmt, sources=contents.sources, evidence=contents.evidence
    )
    say(f"wrote {path} ({len(contents.events)} events)")


@app.command("aggregate")
def aggregate_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the tables (aggregate-NAME.csv).")
    ] = Path("aggregates"),
    resolutions: Annotated[
        str, typer.Option(help="H3 resolutions of the density grids, such as 3,5,7.")
    ] = "3,5,7",
    engine: Annotated[str, typer.Option(help="local, or dask (a cluster: --scheduler/--workers).")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="--engine dask: the scheduler's address.")] = None,
    workers: Annotated[int | None, typer.Option(help="--engine dask: local worker processes.")] = None,
    store: StoreOption = None,
) -> None:
    """Count events and fatalities by country, admin-1, week, event type and H3 cell, as CSV tables."""
    from geomap import aggregates

    _check_engine(engine, scheduler, workers)
    levels = aggregates.parse_resolutions(resolutions)
    target = _store(store)
    if engine == "local":
        tables = aggregates.aggregate(aggregates.store_events(target), levels)
    else:
        tables = _aggregate_on_cluster(target, levels, scheduler=scheduler, workers=workers)
    for path in aggregates.write_tables(tables, out):
        say(f"wrote {path}")


def _aggregate_on_cluster(target: Store, levels, *, scheduler: str | None, workers: int | None) -> dict:
    from geomap import aggregates
    from geomap.engine import aggregate_on_cluster, connect, require_dask

    require_dask()
    logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())
    files = aggregates.uncorrected_files(target)
    events = None if files else aggregates.store_events(target)
    with connect(scheduler, workers=workers) as client:
        return aggregate_on_cluster(events, client=client, files=files, resolutions=levels)


@app.command("correct")
def correct_command(
    event_id: Annotated[
        str, typer.Argument(help="The event's event_id (see the app's table or the CSV export).")
    ],
    field: Annotated[
        str,
        typer.Argument(
            help="place, event_type, sub_event_type, actor1, assoc_actor_1, actor2, assoc_actor_2, notes, "
            "claim_status, credibility, fatalities, event_date or not_an_event."
        ),
    ],
    value: Annotated[
        str,
        typer.Argument(
            help="The new value; a place as JSON: "
            '\'{"location": "Anefis", "latitude": 18.05, "longitude": 0.6}\'.'
        ),
    ],
    who: Annotated[str, typer.Option("--who", help="Who makes the correction (kept with it).")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
    store: StoreOption = None,
) -> None:
    """Correct one field of one event; the correction is kept with who/when and survives re-imports."""
    from geomap.corrections import correct

    target = _store(store)
    row = correct(target, event_id, field, value, who=who or os.environ.get("USER", ""), note=note)
    keep_app_map(target)
    say(f"corrected {field} of {event_id}: {row['previous']} → {row['value']} (by {row['who']}, {row['at']})")


@app.command("explain")
def explain_command(
    event_id: Annotated[str, typer.Argument(help="The event's event_id.")],
    store: StoreOption = None,
) -> None:
    """List the rows an event was merged from and by which rule (see `geomap split` to undo a merge)."""
    from geomap.merges import explain

    explained = explain(_store(store), event_id)
    for member in explained.members:
        deaths = "" if _missing(member.fatalities) else f", {member.fatalities} killed"
        say(
            f"{member.report_id} ({member.kind} {member.origin_id}): {member.event_date}, "
            f"{member.location}, {member.source}{deaths}"
        )
        say(f"    {member.reason}")
    for linked, reason in explained.linked:
        say(f"linked to {linked} (another dataset's event, kept apart): {reason}")


@app.command("split")
def split_command(
    event_id: Annotated[str, typer.Argument(help="The merged event's event_id.")],
    reports: Annotated[
        list[str], typer.Argument(help="Report ids (or origin ids) to take out, as `geomap explain` lists.")
    ],
    who: Annotated[str, typer.Option("--who", help="Who splits the event (kept with it).")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
    store: StoreOption = None,
) -> None:
    """Take reports out of a merged event; kept as a correction, so later imports never merge them again."""
    from geomap.merges import split

    target = _store(store)
    counts = split(target, event_id, reports, who=who or os.environ.get("USER", ""), note=note)
    keep_app_map(target)
    say(f"split {', '.join(reports)} from {event_id}; store: {counts}")


@app.command("info")
def info_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    store: StoreOption = None,
) -> None:
    """Say what the store holds."""
    from geomap.facts import store_facts

    facts = store_facts(load_settings(store=store).store)
    if as_json:
        say(json.dumps(facts, indent=2, ensure_ascii=False))
        return
    for key, value in facts.items():
        say(f"{key}: {value}")


gazetteer_app = typer.Typer(
    help="The offline gazetteer: what it holds, GeoNames dumps to add.", no_args_is_help=True
)
app.add_typer(gazetteer_app, name="gazetteer")


@app.command("geocode")
def geocode_command(
    names: Annotated[
        list[str], typer.Argument(help="Place names; '-' reads names from stdin, one per line.")
    ],
    country: Annotated[
        str | None, typer.Option(help="The country the places are in (ISO2, ISO3 or name).")
    ] = None,
    context: Annotated[
        str, typer.Option(help="Text around the names (countries, regions, other places).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Resolve place names offline (and online when GEOMAP_ONLINE names backends)."""
    from geomap.geocode import default_resolver

    queries = [line.strip() for line in sys.stdin if line.strip()] if names == ["-"] else names
    resolver = default_resolver()
    ctx = resolver.context(context, country=country)
    for query in queries:
        place = resolver.resolve(query, country=country, context=ctx)
        record = geocode_record(query, place)
        if as_json:
            say(json.dumps(record, ensure_ascii=False))  # one object per line
        elif place is None:
            say(f"{query}: not found ({record['reason']})")
        else:
            say(
                f"{query}: {place.name} ({place.country}) {place.lat:.5f}, {place.lon:.5f}"
                f" precision {int(place.geo_precision)} confidence {place.confidence:.2f} [{place.origin}]"
                f" — {place.reason}"
            )


def geocode_record(query: str, place) -> dict:
    """The JSON contract of `geomap geocode --json`."""
    if place is None:
        return {"query": query, "name": None, "lat": None, "lon": None, "geo_precision": None,
                "geocode_confidence": None, "country": None, "admin1": None, "geonameid": None,
                "origin": None, "reason": "no place: the text establishes no country either",
                "needs_review": True}  # fmt: skip
    return {
        "query": query, "name": place.name, "lat": place.lat, "lon": place.lon,
        "geo_precision": int(place.geo_precision), "geocode_confidence": place.confidence,
        "country": place.country, "admin1": place.admin1 or None, "geonameid": place.geonameid,
        "origin": place.origin, "reason": place.reason, "needs_review": place.needs_review,
    }  # fmt: skip


@gazetteer_app.command("info")
def gazetteer_info() -> None:
    """Where the gazetteer is and how many places it holds, by origin."""
    from geomap.geocode import default_resolver

    gazetteer = default_resolver().gazetteer
    say(f"gazetteer: {gazetteer.path}")
    for origin, count in sorted(gazetteer.counts().items()):
        say(f"{origin}: {count}")


@gazetteer_app.command("import")
def gazetteer_import(
    files: Annotated[
        list[Path], typer.Argument(help="GeoNames dumps: ML.zip, allCountries.zip or the .txt.")
    ],
) -> None:
    """Add downloaded GeoNames dump files (all feature classes, with alternate names)."""
    from geomap.gazetteer.geonames import import_dump
    from geomap.geocode import default_resolver

    gazetteer = default_resolver().gazetteer
    for path in files:
        count = import_dump(path, gazetteer=gazetteer)
        say(f"{path}: {count} places")


@gazetteer_app.command("add")
def gazetteer_add(
    countries: Annotated[list[str], typer.Argument(help="ISO2 codes (ML BF NE) or allCountries.")],
    base_url: Annotated[str, typer.Option(help="Where the dumps are.")] = DUMP_URL,
) -> None:
    """Download the GeoNames dumps of these countries and add them (needs the network)."""
    from geomap.gazetteer.geonames import download_dumps
    from geomap.geocode import default_resolver

    counts = download_dumps(countries, gazetteer=default_resolver().gazetteer, base_url=base_url)
    for name, count in counts.items():
        say(f"{name}: {count} places")


boundaries_app = typer.Typer(
    help="Boundary files: first-level regions for the geocoder.", no_args_is_help=True
)
app.add_typer(boundaries_app, name="boundaries")


@boundaries_app.command("import")
def boundaries_import(
    file: Annotated[Path, typer.Argument(help="Shapefile (.shp or .zip), GeoJSON or GeoPackage.")],
    name_field: Annotated[str, typer.Option(help="The field with the region's name.")],
    level: Annotated[int, typer.Option(help="Administrative level (1: regions).")] = 1,
    country_field: Annotated[str | None, typer.Option(help="The field with each region's country.")] = None,
    country: Annotated[str | None, typer.Option(help="The country of every region in the file.")] = None,
) -> None:
    """Import region boundaries (geoBoundaries, GADM, Natural Earth admin-1) for the geocoder."""
    from geomap.gazetteer.boundaries import import_boundaries

    count = import_boundaries(
        file, name_field=name_field, level=level, country_field=country_field, country=country
    )
    say(f"{file}: {count} regions")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    store: StoreOption = None,
) -> None:
    """Start the Streamlit app on the store."""
    env = dict(os.environ, GEOMAP_STORE=str(load_settings(store=store).store.resolve()))
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


def _version(value: bool) -> None:
    if value:
        say(f"geomap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what geomap does.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Map what sources report about armed conflict, with the sourcing of every event."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command, turning a GeomapError into ``error: …`` and exit status 2."""
    try:
        code = app(args=argv, standalone_mode=False)
    except GeomapError as err:
        say(f"error: {err}", err=True)
        return 2
    except typer.TyperException as err:  # usage errors (bad option, missing argument)
        show = getattr(err, "show", None)
        if show is not None:
            show()
        else:
            say(f"error: {err}", err=True)
        return int(getattr(err, "exit_code", 2))
    except typer.Abort:
        say("aborted", err=True)
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())

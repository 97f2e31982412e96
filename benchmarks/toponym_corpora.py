"""Toponym resolution on independent corpora: LGL and GeoVirus (WikToR when its file is available).

The corpora are not ours and stay out of git: ``python -m benchmarks.toponym_corpora`` copies them from a
snapshot of the public repository that collected them (see :data:`SOURCES`) into the git-ignored folder
``benchmarks/corpora/toponyms/``, then resolves every gold toponym with geomap's offline resolver (the
article's text as context, no configured countries: these are worldwide news; the article's gold
toponyms are the place names resolved in it, as an import's extracted names are, so each is framed by
where the others lie: ``Resolver.framed``) and reports, per corpus and half:

- acc@161: the share of toponyms resolved within 161 km (100 miles) of the gold point;
- mean error in km;
- AUC of the error curve (Gritta et al. 2018: area under the sorted log(1 + error) curve, scaled by
  log of half the Earth's circumference; lower is better).

A toponym the resolver returns nothing for counts at the maximum error (20,039 km).  Each corpus is
split in halves by article (even positions: the *tune* half; odd positions: the *report* half, frozen:
nothing is tuned on it).  The tune half is split again into two folds by the same rule (``--folds``):
fold A (articles 0, 4, 8, …) is where misses are studied, fold B (2, 6, 10, …) is seen only as a
score, to check that a change made looking at A carries over.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from math import log
from pathlib import Path

from geomap.gazetteer.index import Gazetteer, distance_km
from geomap.geocode import Resolver
from geomap.geocode.outlets import article_regions, outlet_homes, with_outlet

HERE = Path(__file__).parent
TARGET = HERE / "corpora" / "toponyms"
MIRROR = Path("/work/.mirror/milangritta+Pragmatic-Guide-to-Geoparsing-Evaluation/repo/.git")
REPOSITORY = "https://github.com/milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation"
COMMIT = "6947d46"
#: corpus → path in the repository (Gritta, Pilehvar & Collier, "A pragmatic guide to geoparsing
#: evaluation", Language Resources and Evaluation 2019); licences: see that repository
SOURCES = {
    "LGL": "data/Corpora/lgl.xml",  # Lieberman, Samet & Sankaranarayanan 2010: local US news
    "GeoVirus": "data/Corpora/GeoVirus.xml",  # Gritta et al. 2018: WikiNews on disease outbreaks
    "WikToR": "data/Corpora/WikToR.xml",  # Gritta et al. 2017: Wikipedia, ambiguous names
}
MAX_KM = 20_039.0


@dataclass(frozen=True)
class Toponym:
    article: int
    phrase: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Scores:
    toponyms: int
    acc161: float
    mean_km: float
    auc: float
    unresolved: int


def half(articles: list, name: str) -> list:
    """The articles of one half or fold: "tune", "report", "A" or "B" (see the module docstring)."""
    keep = {"tune": lambda n: n % 2 == 0, "report": lambda n: n % 2 == 1,
            "A": lambda n: n % 4 == 0, "B": lambda n: n % 4 == 2}[name]  # fmt: skip
    return [a for n, a in enumerate(articles) if keep(n)]


def rebuild(mirror: Path = MIRROR, target: Path = TARGET) -> dict[str, str]:
    """Copy each corpus out of the repository snapshot; returns corpus → what happened."""
    target.mkdir(parents=True, exist_ok=True)
    done = {}
    for name, path in SOURCES.items():
        out = target / Path(path).name
        shown = subprocess.run(
            ["git", f"--git-dir={mirror}", "show", f"{COMMIT}:{path}"], capture_output=True, check=False
        )
        if shown.returncode != 0:
            done[name] = f"not available in the snapshot ({shown.stderr.decode().strip()[:80]})"
            continue
        out.write_bytes(shown.stdout)
        done[name] = f"{REPOSITORY} @ {COMMIT}: {path} → {out.relative_to(HERE)}"
    return done


def read_corpus(name: str, folder: Path = TARGET) -> list[tuple[str, list[Toponym]]]:
    """Articles (text, gold toponyms with coordinates) of one corpus."""
    root = ET.parse(folder / Path(SOURCES[name]).name).getroot()
    articles = []
    for n, article in enumerate(root.iter("article")):
        text = article.findtext("text") or ""
        gold = []
        if name == "LGL":
            for toponym in article.iter("toponym"):
                tag = toponym.find("gaztag")
                if tag is not None and tag.findtext("lat"):
                    gold.append(Toponym(n, toponym.findtext("phrase") or "", float(tag.findtext("lat")),
                                        float(tag.findtext("lon"))))  # fmt: skip
        else:
            for location in article.iter("location"):
                if location.findtext("lat"):
                    gold.append(Toponym(n, location.findtext("name") or "", float(location.findtext("lat")),
                                        float(location.findtext("lon"))))  # fmt: skip
        articles.append((text, gold))
    return articles


def read_outlets(name: str, folder: Path = TARGET) -> list[str]:
    """Each article's outlet (LGL's ``domain``: the local paper), "" where the corpus names none."""
    root = ET.parse(folder / Path(SOURCES[name]).name).getroot()
    return [(article.findtext("domain") or "").strip() for article in root.iter("article")]


def _framed(resolver: Resolver, text: str, gold: list[Toponym]):
    return resolver.framed(resolver.context(text), [t.phrase for t in gold])


def homes_of(
    articles: list[tuple[str, list[Toponym]]], outlets: list[str], resolver: Resolver
) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each outlet's home region, found from the texts of ``articles`` alone (never their gold points)."""
    contexts = (_framed(resolver, text, gold) for text, gold in articles)
    regions = (article_regions(ctx.placed, ctx) for ctx in contexts)
    return outlet_homes(zip(outlets, regions, strict=True))


def errors_km(
    articles: list[tuple[str, list[Toponym]]],
    resolver: Resolver,
    outlets: list[str] | None = None,
    homes: dict[str, tuple[tuple[str, str], ...]] | None = None,
) -> list[float | None]:
    """Each gold toponym's error in km (None: no answer); ``homes`` frames each article by its outlet's."""
    out: list[float | None] = []
    contexts = [_framed(resolver, text, gold) for text, gold in articles]
    if outlets is not None:
        contexts = [with_outlet(c, o, homes) for c, o in zip(contexts, outlets, strict=True)]
    for (_, gold), context in zip(articles, contexts, strict=True):
        for toponym in gold:
            place = resolver.resolve(toponym.phrase, context=context)
            out.append(None if place is None else distance_km(place.lat, place.lon, toponym.lat, toponym.lon))
    return out


def score(errors: list[float | None]) -> Scores:
    filled = sorted(MAX_KM if e is None else e for e in errors)
    n = len(filled)
    logs = [log(1 + e) / log(MAX_KM) for e in filled]
    auc = sum((a + b) / 2 for a, b in itertools.pairwise(logs)) / (n - 1) if n > 1 else logs[0]
    return Scores(
        toponyms=n,
        acc161=sum(e <= 161 for e in filled) / n,
        mean_km=statistics.fmean(filled),
        auc=auc,
        unresolved=sum(e is None for e in errors),
    )


def render(results: dict[tuple[str, str], Scores], sources: dict[str, str]) -> str:
    lines = [
        "| corpus | half | toponyms | acc@161 km | mean error | AUC of error | no answer |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (corpus, half), s in results.items():
        lines.append(
            f"| {corpus} | {half} | {s.toponyms:,} | {s.acc161:.1%} | {s.mean_km:,.0f} km | {s.auc:.3f} "
            f"| {s.unresolved} |"
        )
    lines += ["", "Sources:", *[f"- {name}: {where}" for name, where in sources.items()]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="git directory of the repository")
    parser.add_argument("--folds", action="store_true", help="score the tune folds A and B only")
    parser.add_argument("--corpus", choices=list(SOURCES), action="append")
    args = parser.parse_args()
    sources = rebuild(args.mirror)
    resolver = Resolver(Gazetteer.embedded())
    results = {}
    parts = ("A", "B") if args.folds else ("tune", "report")
    for corpus in args.corpus or SOURCES:
        if not (TARGET / Path(SOURCES[corpus]).name).exists():
            continue
        articles, outlets = read_corpus(corpus), read_outlets(corpus)
        for part in parts:
            shown = {"A": "tune, fold A", "B": "tune, fold B", "report": "report (frozen)"}.get(part, part)
            pool = "report" if part == "report" else "tune"  # outlets' homes: from that half's texts only
            homes = homes_of(half(articles, pool), half(outlets, pool), resolver)
            errors = errors_km(half(articles, part), resolver, half(outlets, part), homes)
            results[corpus, shown] = score(errors)
    print(render(results, sources))


if __name__ == "__main__":
    main()

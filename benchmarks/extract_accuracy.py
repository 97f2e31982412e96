"""Accuracy and speed of event extraction on the development set (benchmarks/data/articles).

Matching: an extracted event matches a gold event of the same article when its
date is within two days of the gold date (or inside the gold range) and it is
either within 25 km of the gold location or of the same event type; each gold
event matches at most one extracted event (closest first).

Reported: precision and recall of events; on matched pairs, accuracy of the
date (same first day), location (within 25 km; gold places with approximate
coordinates left out), actors (same set of canonical names; and mean Jaccard
overlap), event type, sub-event type, claim status and fatalities.

Speed: ~600-word articles (dev-set articles put together) through the whole
article path (read, extract, geocode) in one process: articles per second on
one core, median of the repeats, and the peak memory the run allocates.

Run alone: ``python -m benchmarks.extract_accuracy`` (prints the table).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from geomap.extract.actors import ActorDictionary
from geomap.gazetteer.index import distance_km
from geomap.geocode import Resolver
from geomap.ingest.articles import Article, read_articles
from geomap.pipeline import article_events, relocate_by_outlet

DATA = Path(__file__).parent / "data"
ARTICLES = DATA / "articles"
GOLD = DATA / "articles_gold.json"


@dataclass
class Scores:
    gold: int = 0
    extracted: int = 0
    matched: int = 0
    date: int = 0
    located: int = 0
    location_scored: int = 0
    actors_exact: int = 0
    actors_jaccard: list[float] = field(default_factory=list)
    event_type: int = 0
    sub_event_type: int = 0
    claim: int = 0
    fatalities: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0


def _actors(row: dict) -> set[str]:
    names = set()
    for column in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"):
        value = row.get(column)
        if isinstance(value, str) and value:
            names.update(n.strip() for n in value.split(";") if n.strip())
    return names


def _date_ok(row: dict, gold: dict) -> bool:
    found = dt.date.fromisoformat(str(row["event_date"])[:10])
    start = dt.date.fromisoformat(gold["event_date"])
    end = dt.date.fromisoformat(gold["event_date_end"]) if gold.get("event_date_end") else start
    return start - dt.timedelta(days=2) <= found <= end + dt.timedelta(days=2)


def _km(row: dict, gold: dict) -> float:
    if row.get("latitude") is None or row["latitude"] != row["latitude"]:
        return float("inf")
    return distance_km(row["latitude"], row["longitude"], gold["latitude"], gold["longitude"])


def measure_accuracy(resolver: Resolver, actors: ActorDictionary) -> Scores:
    gold_doc = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    scores = Scores()
    tables = {
        name: [article_events(a, resolver=resolver, actors=actors) for a in read_articles(ARTICLES / name)]
        for name in sorted(gold_doc)
    }
    relocate_by_outlet([t for read in tables.values() for t in read], resolver)  # as an import does
    for name, gold_events in sorted(gold_doc.items()):
        rows = []
        for table in tables[name]:
            rows += table.events.drop(columns="geometry").to_dict("records")
        scores.gold += len(gold_events)
        scores.extracted += len(rows)
        free = list(range(len(rows)))
        for gold in gold_events:
            candidates = [
                i
                for i in free
                if _date_ok(rows[i], gold)
                and (_km(rows[i], gold) <= 25 or rows[i]["event_type"] == gold["event_type"])
            ]
            if not candidates:
                scores.misses.append(f"{name}: {gold['event_date']} {gold['location']} {gold['event_type']}")
                continue
            best = min(
                candidates, key=lambda i: (rows[i]["event_type"] != gold["event_type"], _km(rows[i], gold))
            )
            free.remove(best)
            _score_pair(scores, rows[best], gold)
    return scores


def _score_pair(scores: Scores, row: dict, gold: dict) -> None:
    scores.matched += 1
    scores.date += str(row["event_date"])[:10] == gold["event_date"]
    if not gold.get("coordinates_approximate"):
        scores.location_scored += 1
        scores.located += _km(row, gold) <= 25
    found, wanted = _actors(row), set(gold["actors"])
    scores.actors_exact += found == wanted
    union = found | wanted
    scores.actors_jaccard.append(len(found & wanted) / len(union) if union else 1.0)
    scores.event_type += row["event_type"] == gold["event_type"]
    scores.sub_event_type += row["sub_event_type"] == gold["sub_event_type"]
    scores.claim += row["claim_status"] == gold["claim_status"]
    expected = gold.get("fatalities") or 0
    scores.fatalities += int(row.get("fatalities") or 0) == expected


def long_articles(size: int = 600) -> list[Article]:
    """Dev-set articles put together into texts of about ``size`` words each."""
    pieces = [a for path in sorted(ARTICLES.glob("*.md")) for a in read_articles(path)]
    out, text, first = [], [], None
    for article in pieces * 12:
        first = first or article
        text.append(article.text)
        if sum(len(t.split()) for t in text) >= size:
            out.append(Article("\n\n".join(text), first.source, first.path))
            text, first = [], None
    return out


def one_text(words: int) -> Article:
    """The dev-set articles put together, again and again, into one text of about ``words`` words."""
    pieces = [a for path in sorted(ARTICLES.glob("*.md")) for a in read_articles(path)]
    text, count = [], 0
    for article in itertools.cycle(pieces):
        if count >= words:
            break
        text.append(article.text)
        count += len(article.text.split())
    return Article("\n\n".join(text), pieces[0].source, pieces[0].path)


@dataclass(frozen=True)
class Speed:
    articles: int
    words: float
    per_second: list[float]
    peak_mb: float
    long_texts: tuple[tuple[int, float], ...] = ()  # (words, median seconds) of one long text each


def measure_long_texts(
    resolver: Resolver, actors: ActorDictionary, *, sizes=(20_000, 200_000), repeat: int = 3
) -> tuple[tuple[int, float], ...]:
    """Median seconds to extract one text of each size: extraction should grow with the text, no faster."""
    out = []
    for size in sizes:
        article = one_text(size)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            article_events(article, resolver=resolver, actors=actors)
            times.append(time.perf_counter() - start)
        out.append((len(article.text.split()), statistics.median(times)))
    return tuple(out)


def measure_speed(resolver: Resolver, actors: ActorDictionary, *, repeat: int) -> Speed:
    articles = long_articles()
    for article in articles[:3]:  # warm the caches a researcher's session would have warm too
        article_events(article, resolver=resolver, actors=actors)
    rates = []
    for _ in range(repeat):
        resolver._answers.clear()
        start = time.perf_counter()
        for article in articles:
            article_events(article, resolver=resolver, actors=actors)
        rates.append(len(articles) / (time.perf_counter() - start))
    tracemalloc.start()
    for article in articles:
        article_events(article, resolver=resolver, actors=actors)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    words = statistics.mean(len(a.text.split()) for a in articles)
    return Speed(len(articles), words, rates, peak, measure_long_texts(resolver, actors))


def render(scores: Scores, speed: Speed | None) -> str:
    def pct(part: int, whole: int) -> str:
        return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "—"

    lines = [
        "### Events from articles",
        "",
        f"Development set: {len(json.loads(GOLD.read_text(encoding='utf-8'))['articles'])} articles "
        f"(benchmarks/data/articles), {scores.gold} gold events (benchmarks/data/articles_gold.json).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| events extracted | {scores.extracted} |",
        f"| precision (events) | {pct(scores.matched, scores.extracted)} |",
        f"| recall (events) | {pct(scores.matched, scores.gold)} |",
        f"| date exact (matched) | {pct(scores.date, scores.matched)} |",
        f"| location within 25 km (matched, exact gold coordinates) | "
        f"{pct(scores.located, scores.location_scored)} |",
        f"| actors, same set (matched) | {pct(scores.actors_exact, scores.matched)} |",
        f"| actors, mean Jaccard overlap | {statistics.mean(scores.actors_jaccard or [0]):.2f} |",
        f"| event type (matched) | {pct(scores.event_type, scores.matched)} |",
        f"| sub-event type (matched) | {pct(scores.sub_event_type, scores.matched)} |",
        f"| claim status (matched) | {pct(scores.claim, scores.matched)} |",
        f"| fatalities exact (matched) | {pct(scores.fatalities, scores.matched)} |",
    ]
    if speed is not None:
        median = statistics.median(speed.per_second)
        lines.append(
            f"| speed, ~{speed.words:.0f}-word articles, one core | median {median:.1f} "
            f"articles/s (min {min(speed.per_second):.1f}, max {max(speed.per_second):.1f}; "
            f"{speed.articles} articles × {len(speed.per_second)} runs) |"
        )
        lines.append(f"| memory allocated at peak (tracemalloc, one pass) | {speed.peak_mb:.1f} MB |")
        if len(speed.long_texts) >= 2:
            (w0, t0), (w1, t1) = speed.long_texts[0], speed.long_texts[-1]
            lines.append(
                f"| one long text, {w0:,} → {w1:,} words (median of 3 each) | {t0:.2f} s → {t1:.2f} s: "
                f"{t1 / t0:.1f}× the time for {w1 / w0:.1f}× the words |"
            )
    if scores.misses:
        lines += ["", "Gold events not found: " + "; ".join(scores.misses) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    from geomap.gazetteer.index import Gazetteer

    resolver = Resolver(Gazetteer.embedded())
    actors = ActorDictionary.load()
    print(render(measure_accuracy(resolver, actors), measure_speed(resolver, actors, repeat=3)))


if __name__ == "__main__":
    main()

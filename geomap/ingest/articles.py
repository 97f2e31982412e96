"""Articles in: .txt and .md (optional front matter), .html (main text by trafilatura), .json, folders.

Each article becomes an :class:`Article`: its text and the :class:`~geomap.model.Source`
it is.  A file that cannot be read raises :class:`~geomap.errors.InputError`
naming the file; the caller goes on with the other files.  In a JSON list, a bad
item is a :class:`~geomap.errors.RowProblem` (its row is the item's number) and
the good items are kept (:func:`read_article_items`).

Dates (``published``) are read as :mod:`geomap.cells` reads a table's dates, so
``03/02/2023`` is refused as ambiguous; spelled-out dates ("Tue, 17 Sep 2024")
go to dateparser.  A date before 1900 or in the future is refused.

Front matter and JSON fields: ``title``, ``outlet``, ``url``, ``published``,
``language`` (and ``text`` in JSON).  Without ``language`` the language is
detected (py3langid); without ``outlet`` the outlet is the URL's host, else the
file name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import frontmatter
import yaml

from geomap.cells import CellError, parse_date
from geomap.errors import InputError, RowProblem
from geomap.ingest import ARTICLE_SUFFIXES
from geomap.ingest.decode import decode_text
from geomap.model import Source
from geomap.plausibility import EARLIEST_DATE
from geomap.schema import make_source_id

MAX_BYTES = 20_000_000
MIN_WORDS = 5


@dataclass(frozen=True)
class Article:
    """One article: its text and the source it is."""

    text: str
    source: Source
    path: str
    item: int | None = None  # position in a JSON list (1-based)

    @property
    def published(self) -> dt.date | None:
        return dt.date.fromisoformat(self.source.published) if self.source.published else None

    @property
    def where(self) -> str:
        return f"{self.path} (item {self.item})" if self.item else self.path


def is_article_json(path: Path) -> bool:
    """True when a .json file holds articles (objects with ``text``), not GeoJSON."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="ignore")
    except OSError:
        return False
    return '"FeatureCollection"' not in head and '"Feature"' not in head and '"features"' not in head


def read_articles(path: str | os.PathLike) -> list[Article]:
    """The articles in one file (a JSON list gives several); any bad item raises :class:`InputError`."""
    articles, problems = read_article_items(path)
    if problems:
        first = problems[0]
        raise InputError(f"{first.file}: item {first.row}: field `{first.field}`: {first.problem}")
    return articles


def read_article_items(path: str | os.PathLike) -> tuple[list[Article], list[RowProblem]]:
    """The articles in one file, and a problem for each bad item of a JSON list (the others are kept).

    Raises
    ------
    InputError
        When the file gives no article at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(f"{path}: not an article ({', '.join(ARTICLE_SUFFIXES)})")
    raw = _read_bytes(path)
    if suffix == ".json":
        return _from_json(path, decode_text(path, raw)[0])
    if suffix in (".html", ".htm"):
        return [_from_html(path, raw)], []
    return [_from_text(path, decode_text(path, raw)[0])], []


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size} bytes is too large for an article (limit {MAX_BYTES})")
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from err
    if not raw.strip():
        raise InputError(f"{path}: the file is empty")
    return raw


def _from_text(path: Path, text: str) -> Article:
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as err:
        raise InputError(f"{path}: the front matter is not valid YAML: {err}") from err
    body = post.content.strip("\n")
    meta = dict(post.metadata)
    if not body.strip():
        raise InputError(f"{path}: the article has no text")
    if "title" not in meta:
        first = body.strip().splitlines()[0].strip().lstrip("#").strip()
        if 0 < len(first) <= 200 and not first.endswith("."):
            meta["title"] = first
    return Article(body, _source(path, meta, body), str(path))


def _from_html(path: Path, raw: bytes) -> Article:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    document = extracted.as_dict() if extracted is not None else {}
    text = document.get("text") or ""
    if len(text.split()) < MIN_WORDS:  # menus and footers are not an article
        raise InputError(f"{path}: no article text found in the HTML")
    meta = {
        "title": document.get("title") or "",
        "outlet": document.get("sitename") or "",
        "url": document.get("url") or "",
        "published": document.get("date") or "",
        "language": document.get("language") or "",
    }
    return Article(text, _source(path, meta, text), str(path))


def _from_json(path: Path, text: str) -> tuple[list[Article], list[RowProblem]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(document, list):
        return [_json_article(path, document, None)], []
    articles, problems = [], []
    for number, item in enumerate(document, start=1):
        try:
            articles.append(_json_article(path, item, number))
        except _ItemProblem as err:
            problems.append(RowProblem(str(path), number, err.field, err.problem))
    if not articles:
        raise InputError(
            f"{path}: no usable article in the list: item {problems[0].row}: {problems[0].field}: "
            f"{problems[0].problem}"
            if problems
            else f"{path}: an empty list"
        )
    return articles, problems


class _ItemProblem(InputError):
    """Raised for one article that cannot be used: which field, and why."""

    def __init__(self, path: Path, field: str, problem: str) -> None:
        super().__init__(f"{path}: field `{field}`: {problem}")
        self.field = field
        self.problem = problem


def _json_article(path: Path, item: object, number: int | None) -> Article:
    if not isinstance(item, dict):
        raise _ItemProblem(path, "text", "expected an object with a `text` field")
    body = item.get("text")
    if not isinstance(body, str) or not body.strip():
        raise _ItemProblem(path, "text", "missing or empty")
    return Article(body, _source(path, item, body), str(path), number)


def _source(path: Path, meta: dict, text: str) -> Source:
    url = str(meta.get("url") or "").strip()
    outlet = str(meta.get("outlet") or meta.get("source") or "").strip()
    if not outlet:
        outlet = urlparse(url).hostname or "" if url else ""
    outlet = outlet or path.stem
    published = _date(meta.get("published") or meta.get("date"), path)
    language = str(meta.get("language") or meta.get("lang") or "").strip().lower()[:2] or detect_language(
        text
    )
    title = str(meta.get("title") or "").strip()
    # a URL identifies a report; without one, the outlet and title (or the file) do
    key = url or f"{title or path.name}|{published}"
    return Source(
        source_id=make_source_id(outlet=outlet, url=key),
        outlet=outlet,
        url=url,
        title=title,
        published=published,
        language=language,
        kind=str(meta.get("kind") or ""),  # the outlet's kind; the source registry fills it when empty
        origin=str(path),
    )


def _date(value: object, path: Path) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        day = _parse_published(str(value).strip(), path)
    if not EARLIEST_DATE <= day.isoformat() <= (dt.date.today() + dt.timedelta(days=1)).isoformat():
        raise _ItemProblem(
            path, "published", f"{day.isoformat()} is before {EARLIEST_DATE[:4]} or in the future"
        )
    return day.isoformat()


def _parse_published(text: str, path: Path) -> dt.date:
    try:
        return parse_date(text)
    except CellError as err:
        if not any(c.isalpha() for c in text):  # all digits: cells has said why it is no date
            raise _ItemProblem(path, "published", str(err)) from None
    import dateparser

    parsed = dateparser.parse(text, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    if parsed is None:
        raise _ItemProblem(path, "published", f"{text!r} is not a date")
    return parsed.date()


def detect_language(text: str) -> str:
    """The language of ``text`` (ISO 639-1), detected by py3langid."""
    import py3langid

    return py3langid.classify(text[:5000])[0]

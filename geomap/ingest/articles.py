"""Articles in: .txt and .md (optional front matter), .html (main text by trafilatura), .json, folders.

Each article becomes an :class:`Article`: its text and the :class:`~geomap.model.Source`
it is.  A file that cannot be read raises :class:`~geomap.errors.InputError`
naming the file (and the item of a JSON list); the caller goes on with the
other files.

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
from charset_normalizer import from_bytes

from geomap.errors import InputError
from geomap.model import Source
from geomap.schema import make_source_id

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json")
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
    """The articles in one file (a JSON list gives several)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(f"{path}: not an article ({', '.join(ARTICLE_SUFFIXES)})")
    raw = _read_bytes(path)
    if suffix == ".json":
        return _from_json(path, _decode(path, raw))
    if suffix in (".html", ".htm"):
        return [_from_html(path, raw)]
    return [_from_text(path, _decode(path, raw))]


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
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: a binary file, not an article")
    return raw


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None or best.chaos > 0.3:
        raise InputError(f"{path}: unknown text encoding (save the file as UTF-8)")
    return str(best)


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


def _from_json(path: Path, text: str) -> list[Article]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not valid JSON: {err}") from err
    items = document if isinstance(document, list) else [document]
    articles = []
    for number, item in enumerate(items, start=1):
        where = f"{path}: item {number}" if isinstance(document, list) else str(path)
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected an object with a `text` field")
        body = item.get("text")
        if not isinstance(body, str) or not body.strip():
            raise InputError(f"{where}: field `text` is missing or empty")
        articles.append(
            Article(
                body, _source(path, item, body), str(path), number if isinstance(document, list) else None
            )
        )
    return articles


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
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    import dateparser

    parsed = dateparser.parse(text, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    if parsed is None:
        raise InputError(f"{path}: field `published`: {text!r} is not a date")
    return parsed.date().isoformat()


def detect_language(text: str) -> str:
    """The language of ``text`` (ISO 639-1), detected by py3langid."""
    import py3langid

    return py3langid.classify(text[:5000])[0]

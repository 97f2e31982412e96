"""Actors named in text, from the actor dictionary (``data/actors.yaml``, documented at its top).

Aliases are found with one Aho-Corasick automaton over the folded text (case
and accents ignored); acronyms with a second one over the text as written
(case kept: "FAMa", "JNIM", not "fama").  At each place the longest name wins,
so "the Malian army" is one mention, not "Malian" plus "army".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
import yaml

from geomap.config import DATA_DIR, load_settings
from geomap.errors import InputError
from geomap.extract.text import Spans, fold, whole_word

DEFAULT_ACTORS = DATA_DIR / "actors.yaml"
ACLED_INTER = range(1, 9)


@dataclass(frozen=True)
class ActorEntry:
    """One actor of the dictionary."""

    name: str
    inter: int
    country: str = ""  # ISO3
    acronyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    generic: bool = False
    party: bool = True

    @property
    def affiliations_state(self) -> bool:
        """Fights alongside state forces (Wagner with the Malian army, the VDP with Burkina's)."""
        return any("Armed Forces" in name for name in self.affiliations)

    def named(self, country: str | None) -> str:
        """The canonical name, a generic actor's filled with ``country`` ("Civilians (Mali)")."""
        if "{country}" not in self.name:
            return self.name
        return self.name.replace("{country}", country or "International")


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A span of text that names an actor."""

    start: int
    end: int
    text: str
    actor: ActorEntry


@dataclass
class ActorDictionary:
    """The actors and their two automata."""

    actors: dict[str, ActorEntry]
    _aliases: ahocorasick.Automaton = field(repr=False, default=None)
    _acronyms: ahocorasick.Automaton = field(repr=False, default=None)

    def __post_init__(self) -> None:
        self._aliases = ahocorasick.Automaton()
        self._acronyms = ahocorasick.Automaton()
        for entry in self.actors.values():
            for alias in {*entry.aliases, entry.name}:
                if "{country}" in alias:
                    continue
                key = fold(alias)
                self._aliases.add_word(key, (len(key), entry.name))
            for acronym in entry.acronyms:
                self._acronyms.add_word(acronym, (len(acronym), entry.name))
        for automaton in (self._aliases, self._acronyms):
            if len(automaton):
                automaton.make_automaton()

    @classmethod
    def load(cls, path: str | Path | None = None, *, extra: str | Path | None = None) -> ActorDictionary:
        """The shipped dictionary (or ``path``) plus the researcher's ``$GEOMAP_HOME/actors.yaml``."""
        actors = _read(Path(path or DEFAULT_ACTORS))
        user = Path(extra) if extra else load_settings().home / "actors.yaml"
        if user.exists() and user != Path(path or DEFAULT_ACTORS):
            actors.update(_read(user))
        return cls(actors)

    def __len__(self) -> int:
        return len(self.actors)

    def __getitem__(self, name: str) -> ActorEntry:
        return self.actors[name]

    def find(self, text: str) -> list[ActorMention]:
        """Every actor mention in ``text``, in order, longest first where names overlap."""
        hits: list[tuple[int, int, str]] = []
        if len(self._aliases):
            for end, (length, name) in self._aliases.iter(fold(text)):
                start = end - length + 1
                if whole_word(text, start, end + 1):
                    hits.append((start, end + 1, name))
        if len(self._acronyms):
            for end, (length, name) in self._acronyms.iter(text):
                start = end - length + 1
                if whole_word(text, start, end + 1):
                    hits.append((start, end + 1, name))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        mentions: list[ActorMention] = []
        covered = -1
        for start, end, name in hits:
            if start < covered:
                continue
            mentions.append(ActorMention(start, end, text[start:end], self.actors[name]))
            covered = end
        return mentions


def _read(path: Path) -> dict[str, ActorEntry]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read the actor dictionary: {err}") from err
    rows = document.get("actors") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise InputError(f"{path}: expected a mapping with an `actors` list")
    actors: dict[str, ActorEntry] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{path}: actor {number}"
        if not isinstance(row, dict) or not str(row.get("name") or "").strip():
            raise InputError(f"{where}: field `name` is missing")
        name = str(row["name"]).strip()
        inter = row.get("inter", 8)
        if not isinstance(inter, int) or inter not in ACLED_INTER:
            raise InputError(
                f"{where} ({name}): field `inter` must be an ACLED actor type 1–8, not {inter!r}"
            )
        aliases = row.get("aliases") or {}
        if isinstance(aliases, dict):
            words = [a for values in aliases.values() for a in (values or [])]
        elif isinstance(aliases, list):
            words = list(aliases)
        else:
            raise InputError(f"{where} ({name}): field `aliases` must be a list or a mapping of lists")
        actors[name] = ActorEntry(
            name=name,
            inter=inter,
            country=str(row.get("country") or ""),
            acronyms=tuple(str(a) for a in row.get("acronyms") or ()),
            aliases=tuple(str(a).strip() for a in words if str(a).strip()),
            affiliations=tuple(str(a) for a in row.get("affiliations") or ()),
            generic=bool(row.get("generic", False)),
            party=bool(row.get("party", True)),
        )
    return actors


@lru_cache(maxsize=4)
def default_actors(path: str | None = None) -> ActorDictionary:
    """The dictionary, loaded once per process."""
    return ActorDictionary.load(path)


_NATIONAL_ARMY = re.compile(
    r"\b(?:the army|army|the military|soldiers|troops|the armed forces|l'armee|armee|les militaires|"
    r"militaires|soldats|les forces armees|forces armees|forces de defense et de securite|\bfds\b)\b"
)
_NATIONAL_GOVERNMENT = re.compile(
    r"\b(?:the government|government|the junta|junta|the authorities|authorities|le gouvernement|"
    r"gouvernement|la junte|junte|les autorites|autorites)\b"
)


def national_mentions(
    text: str, country_iso3: str | None, actors: ActorDictionary, *, named: list[ActorMention]
) -> list[ActorMention]:
    """ "The army", "l'armée", "the government": the forces and government of the document's country.

    ``named`` are the actors found by name (``actors.find(text)``): a national mention inside one is theirs.
    """
    if not country_iso3:
        return []
    army = next(
        (
            a
            for a in actors.actors.values()
            if a.inter == 1 and a.country == country_iso3 and "Armed Forces" in a.name
        ),
        None,
    )
    government = next(
        (
            a
            for a in actors.actors.values()
            if a.country == country_iso3 and a.name.startswith("Government of")
        ),
        None,
    )
    found = []
    folded = fold(text)
    for pattern, actor in ((_NATIONAL_ARMY, army), (_NATIONAL_GOVERNMENT, government)):
        if actor is None:
            continue
        for match in pattern.finditer(folded):
            found.append(ActorMention(match.start(), match.end(), text[match.start() : match.end()], actor))
    by_name = Spans((n.start, n.end) for n in named)
    return [m for m in found if not by_name.overlaps(m.start, m.end)]

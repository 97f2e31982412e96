"""The source registry: matching outlets by domain and name, grades, owners, the researcher's own file."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.errors import InputError
from geomap.sourcing.registry import UNKNOWN_REASON, SourceRegistry, annotate_sources, read_registry


@pytest.fixture(scope="module")
def registry() -> SourceRegistry:
    return SourceRegistry.load()


def test_the_shipped_registry_is_valid_and_large_enough(registry) -> None:
    assert len(registry.outlets) >= 35
    assert all(o.reason for o in registry.outlets)


def test_match_by_domain_including_subdomains(registry) -> None:
    assert registry.match(url="https://www.rfi.fr/fr/afrique/20231114-kidal").name == "RFI"
    assert registry.match(url="https://fr.africanews.com/2024/09/17/x").name == "Africanews"
    assert registry.match(outlet="Some blog", url="https://www.reuters.com/world/").name == "Reuters"


def test_match_by_name_alias_and_close_spelling(registry) -> None:
    assert registry.match(outlet="Radio France Internationale").name == "RFI"
    assert registry.match(outlet="agence france-presse").name == "AFP"
    assert registry.match(outlet="Studio Tamanni").name == "Studio Tamani"  # a typo
    assert registry.match(outlet="Studio") is None  # not close enough to anything


def test_unknown_outlets_cannot_be_judged(registry) -> None:
    assert registry.grade(outlet="Radio Kayes FM") == ("F", UNKNOWN_REASON)
    assert registry.grade(outlet="Reuters")[0] == "B"
    assert registry.grade(outlet="Az-Zallaqa")[0] == "F"  # a party's claim


def test_one_owner_counts_once(registry) -> None:
    assert registry.independence_key(outlet="RFI") == registry.independence_key(outlet="France 24")
    assert registry.independence_key(outlet="RIA Novosti") == registry.independence_key(outlet="Sputnik")
    assert registry.independence_key(outlet="AFP") != registry.independence_key(outlet="Reuters")


def test_the_researchers_file_adds_and_regrades(tmp_path) -> None:
    mine = tmp_path / "sources.yaml"
    mine.write_text(
        "- {name: Reuters, kind: wire, country: GB, owner: Thomson Reuters,"
        " reliability: A, reason: our call}\n"
        "- {name: Radio Kayes FM, kind: local, country: ML, reliability: C, reason: our correspondent}\n",
        encoding="utf-8",
    )
    registry = SourceRegistry.load(extra=mine)
    assert registry.grade(outlet="Reuters") == ("A", "our call")
    assert registry.grade(outlet="Radio Kayes FM")[0] == "C"
    assert registry.match(url="https://www.reuters.com/x").reliability == "A"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- {name: X, kind: blog, reliability: B}\n", "entry 1 (X): kind: 'blog'"),
        ("- {name: X, kind: wire, reliability: Z}\n", "entry 1 (X): reliability: 'Z'"),
        ("- {kind: wire, reliability: B}\n", "entry 1: name: missing"),
        ("name: X\n", "must be a list"),
        ("- [unclosed\n", "cannot read"),
    ],
)
def test_bad_entries_name_file_entry_and_field(tmp_path, text, words) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml") as caught:
        read_registry(path)
    assert words in str(caught.value)


def test_annotate_sources_keeps_a_researchers_grade(registry) -> None:
    sources = pd.DataFrame(
        {
            "source_id": ["a", "b", "c"],
            "outlet": ["RFI", "Reuters", "Unknown FM"],
            "url": ["", "", ""],
            "reliability": ["F", "A", None],
        }
    )
    graded = annotate_sources(sources, registry)
    assert graded["reliability"].tolist() == ["B", "A", "F"]
    assert graded["kind"].tolist() == ["international", "wire", ""]

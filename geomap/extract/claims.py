"""Whose voice a sentence speaks in: the source's own, a party's, a hedge, or a denial.

* *alleged*: hedged ("reportedly", "allegedly", "aurait", "présumé", "could not
  be verified") or resting on documents whose origin the source does not
  establish ("documents said to be", "among the discovered documents …");
* *claimed*: attributed to a party to the conflict ("JNIM claimed
  responsibility", "the army said", "selon l'armée", "a revendiqué") — the
  claimant is that party;
* *reported*: the source's own voice, or attributed to people who are not
  parties (residents, witnesses, local officials, medical sources);
* *disputed*: denied or contradicted (decided per event, in
  :mod:`geomap.extract.events`, from the sentences that deny it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geomap.extract.actors import ActorMention
from geomap.extract.text import fold
from geomap.model import ClaimStatus

HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|alleged|purportedly|purported|supposedly|apparently|said to (?:be|have)|"
    r"believed to (?:be|have)|thought to have|suspected|unconfirmed|unverified|could not be (?:independently )?"
    r"(?:verified|confirmed)|cannot be (?:independently )?(?:verified|confirmed)|rumou?r\w*|"
    r"aurait|auraient|presume\w*|suppose\w*|pretendu\w*|non confirme\w*|non verifie\w*|il semblerait|"
    r"selon des informations non|serait|seraient|affirme-t-on|dit-on)\b"
)
DOCUMENTS = re.compile(
    r"\b(?:(?:discovered|found|seized|leaked|captured|recovered|retrieved|obtained|purported)\s+"
    r"(?:\w+\s+){0,2}(?:documents?|recordings?|reports?|papers|files|channels|letters?|messages?)|"
    r"(?:documents?|recordings?|papers|files|letters?)\s+(?:\w+\s+){0,6}(?:were|was|have been|had been)\s+"
    r"(?:found|discovered|seized|recovered)|in the (?:reports|documents|recordings|files)|"
    r"documents? (?:retrouves?|decouverts?|saisis?)|(?:retrouve|decouvert|saisi)\w* (?:des |les )?documents?|"
    r"dans les (?:documents|rapports|enregistrements))"
)
DENIALS = re.compile(
    r"\b(?:den(?:y|ied|ies|ying)|reject\w*|dismiss\w*|disput\w*|contradict\w*|refut\w*|"
    r"dement\w*|a nie|ont nie|nie(?:nt)? |conteste\w*|rejett\w*|refute\w*)"
)
_ATTRIBUTION_AFTER = re.compile(  # "<actor> said / claimed / announced"
    r"^[^.;]{0,40}?\b(?:said|says|say|claimed|claims|claim|announced|announces|stated|states|reported|"
    r"told|confirmed|insisted|asserted|added|wrote|declared|boasted|maintained|"
    r"a revendique|ont revendique|revendique|revendiquent|a annonce|ont annonce|annonce|a affirme|affirme|"
    r"a declare|a indique|indique|a confirme|a assure|assure|a precise|precise|ont affirme|ont indique)\b"
)
_ATTRIBUTION_BEFORE = re.compile(  # "according to <actor>", "selon <actor>"
    r"\b(?:according to|citing|quoting|in a statement (?:by|from)|a statement (?:by|from)|"
    r"selon|d'apres|de source|cite par|dans un communique (?:de|du|des))\s+(?:the\s+|l'|le\s+|la\s+|les\s+)?[^.;]{0,25}$"
)
_CLAIM_OF_RESPONSIBILITY = re.compile(
    r"\b(?:claimed (?:responsibility|the attack|credit)|claim of responsibility|"
    r"revendique\w* (?:l'attaque|l'attentat|la responsabilite|l'operation|l'embuscade)?)"
)
_NON_PARTIES = re.compile(
    r"\b(?:residents?|witness\w*|locals?|local sources?|local officials?|officials?|sources?|doctors?|"
    r"hospital|medical|humanitarian|rights group\w*|ngo|analysts?|villagers|habitants?|temoins?|"
    r"sources? locales?|elus? locaux|notables?|medecins?|responsables? locaux|journalists?)\b"
)


@dataclass(frozen=True, slots=True)
class Claim:
    """The voice of a sentence: its status, who makes the claim, and the words that decided it."""

    status: ClaimStatus
    claimant: str = ""
    cue: str = ""
    documents: bool = False  # rests on found or leaked documents


def classify(sentence: str, actors: list[ActorMention], *, country: str | None = None) -> Claim:
    """The claim status of ``sentence`` (``actors`` are its actor mentions, offsets within it)."""
    folded = fold(sentence)
    documents = DOCUMENTS.search(folded)
    if documents:
        return Claim(ClaimStatus.ALLEGED, "", documents.group(0), documents=True)
    hedge = HEDGES.search(folded)
    if hedge:
        return Claim(ClaimStatus.ALLEGED, _claimant(folded, actors, country) or "", hedge.group(0))
    claimant = _claimant(folded, actors, country)
    if claimant:
        return Claim(ClaimStatus.CLAIMED, claimant, "attributed")
    return Claim(ClaimStatus.REPORTED)


def _claimant(folded: str, actors: list[ActorMention], country: str | None) -> str:
    """The party a sentence attributes its content to, or "" (own voice or a non-party)."""
    responsibility = _CLAIM_OF_RESPONSIBILITY.search(folded)
    for mention in actors:
        if not mention.actor.party and not _ATTRIBUTION_AFTER.match(folded[mention.end :]):
            continue
        after = folded[mention.end :]
        before = folded[: mention.start]
        spoken = _ATTRIBUTION_AFTER.match(after)
        if spoken and _NON_PARTIES.search(spoken.group(0)):
            spoken = None  # "… the Malian army inside the town, the official said": the official speaks
        if spoken or _ATTRIBUTION_BEFORE.search(before):
            if _NON_PARTIES.search(fold(mention.text)) or mention.actor.inter == 7:
                continue
            return mention.actor.named(country)
        if responsibility and responsibility.start() >= mention.end - 1:
            return mention.actor.named(country)
    return ""


_REFERS_BACK = re.compile(
    r"\b(?:it|they|he|she|the group|the movement|the army|the militants|le groupe|il|elle|ils|elles)\s+"
    r"(?:said|says|claimed|claims|added|insisted|maintained|dit|disait|a dit|affirme|affirmait|a ajoute|"
    r"ajoute|assure)\b"
)


def refers_back(sentence: str) -> bool:
    """True when a pronoun or "the group" speaks ("photographs it said were taken after the ambush").

    Such a sentence speaks in the voice of whoever spoke before it, not the source's own.
    """
    return _REFERS_BACK.search(fold(sentence)) is not None


def denies(sentence: str) -> bool:
    """True when ``sentence`` denies or contradicts something."""
    return DENIALS.search(fold(sentence)) is not None

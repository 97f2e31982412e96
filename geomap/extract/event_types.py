"""Which event type a trigger's context decides: roles (who acts on whom) and precedence.

A trigger (see ``triggers``) gives an event type or a rule for it.  Here the rule is
applied: who *takes* a place decides between a government regaining territory and
a non-state actor overtaking it; what an *attack* or a *killing* hits decides
between a battle (soldiers, police, militants, a base) and violence against
civilians (villagers, a market, a priest); in a passive sentence ("1 soldier was
killed by a sniper") the target is named before the trigger.  A protest is
peaceful, met with an intervention, met with excessive force, or violent (a riot),
the demonstrators' own violence deciding first.
"""

from __future__ import annotations

import re

from geomap.extract.actors import ActorEntry
from geomap.model import EventType

B, E, V, P, R, S = (
    EventType.BATTLES,
    EventType.EXPLOSIONS,
    EventType.VIOLENCE_AGAINST_CIVILIANS,
    EventType.PROTESTS,
    EventType.RIOTS,
    EventType.STRATEGIC,
)
TERRITORY = "territory"  # decided by who takes it
ATTACK = "attack"  # a battle or violence against civilians, decided by the target
KILLING = "killing"

_VICTIMS = re.compile(
    r"\b(?:civilians?|villagers?|traders?|herders?|farmers?|women|children|worshippers?|passengers?|"
    r"residents?|displaced|markets?|villages?|mosques?|churches|church|schools?|weddings?|communit(?:y|ies)|hamlets?|"
    r"civils?|villageois|femmes|enfants|"
    r"fideles|commercants?|eleveurs?|marche|mosquee|ecole|eglise|deplaces|passagers|population|people|persons?|"
    r"\bm[ae]n\b|wom[ae]n|girls?|fisherm[ae]n|fishers?|herdsm[ae]n|businessm[ae]n|tribesm[ae]n|pecheurs?|boys?|widows?|famil(?:y|ies)|priests?|pastors?|imams?|(?:school|head)?teachers?|school(?:girls?|boys?|children)|students?|"
    r"journalists?|drivers?|shepherds?|sheperds?|workers?|miners?|musicians?|elders?|chiefs?|idps?|bus|homes?|"
    r"houses?|hotels?|restaurants?|cafes?|teahouses?|shops?|hospitals?|campus|colleges?|universit(?:y|ies)|"
    r"dormitor(?:y|ies)|pretres?|enseignants?|eleves|chauffeurs?|bergers?|orpailleurs?|personnes|hommes)\b"
)
_MILITARY_TARGETS = re.compile(
    r"\b(?:soldiers?|troops?|military|army|forces|base|camp|post|position|checkpoint|convoy|patrol|garrison|"
    r"detachment|unit|soldats?|militaires?|armee|poste|position|convoi|patrouille|detachement|camp|base|"
    r"gendarmes?|gendarmerie|barracks|casernes?|police\w*|security (?:personnel|forces|officials?)|commandos?|"
    r"militants?|insurgents?|fighters?|militiam[ae]n|militias?|rebels?|jihadists?|terroristes?|arbakis?|"
    r"officers?|policiers?|djihadistes?|combattants?|assaillants?|islamists?|bandits?|gunmen|raiders?|"
    r"armed (?:men|groups?|islamists|individuals)|(?:members|fighters|commanders?) of (?:the )?(?:armed|"
    r"militant|rebel|jihadist|terrorist|insurgent|islamist|al[- ]|[a-z]+ (?:group|militia|movement)))\b"
)
_PASSIVE = re.compile(r"\b(?:was|were|been|is|are|being|a ete|ont ete|sont|est)\s+(?:\w+\s+)?$")
_PROTEST_VIOLENCE = re.compile(
    r"\b(?:loot\w*|burn\w*|clash\w*|affront\w*|heurts|set (?:\w+ )?(?:on )?fire|ablaze|torch\w*|threw stones|stone-throw\w*|"
    r"(?:violent|aggressive) (?:protests?|demonstrat\w*|clash\w*|riots?|crowds?)|turned violent|escalating violence|debris|"
    r"(?:throw(?:s|ing)?|threw|hurl\w*) (?:\w+ )?(?:stones|rocks|bottles|projectiles|petrol bombs|molotov\w*)|"
    r"turn(?:ed|s)? (?:\w+ )?violent|"
    r"armed with (?:sticks|clubs|machetes|tree branches|stones)|clash\w* with (?:the )?(?:police|security)|"
    r"vandali[sz]\w*|barricad\w*|blocked|blocking|block (?:the |a )?(?:\w+ )?(?:roads?|streets?|entrances?|highways?|bridges?)|closing roads|closed (?:the |all )?roads?|pille\w*|"
    r"incendi\w*|jets? de pierres|manifestations? violentes?|violemment)\b"
)
_CROWD = re.compile(
    r"\b(?:students?|residents?|protesters?|demonstrators?|rioters?|youths?|mob|crowd|traders?|villagers?|"
    r"supporters?|cadres?|depositors?|workers?|manifestants?|jeunes|foule|habitants)\b"
)
PROTESTERS = re.compile(r"\b(?:protesters?|demonstrators?|manifestants?|protest\w*|marchers?|sit-in)\b")
_EXCESSIVE_FORCE = re.compile(
    r"\b(?:opened fire|open fire|fired (?:live )?(?:rounds|bullets|shots)|shot|killed|killing|live (?:ammunition|bullets|rounds|fire)|"
    r"serious(?:ly)? (?:injur\w*|wound\w*)|die(?!-in)|dies|"
    r"(?:dozens|scores|hundreds) (?:of )?(?:[\w-]+ )?(?:were |have been |had been )?(?:injur\w*|wound\w*|hurt|hospitali[sz]ed)|"
    r"gunfire|died|dead|deaths?|violently (?:suppress\w*|dispers\w*)|"
    r"excessive force|beat\w*|tue(?:e?s?|r)|tir\w* a balles reelles|ouvert le feu)\b"
)
_INTERVENTION = re.compile(
    r"\b(?:tear ?gas|water cannons?|pepper[- ]spray\w*|rubber bullets|dispers\w*|batons?|arrest\w*|detain\w*|"
    r"broke up|suppress\w*|crack\w* down|crackdown|gaz lacrymogenes?|interpell\w*)\b"
)
_NON_STATE = re.compile(
    r"\b(?:rebels?|militants?|insurgents?|jihadists?|terrorists?|militia\w*|fighters|separatists?|group|bandits?|"
    r"gunmen|armed men|assailants?|"
    r"djihadistes?|rebelles?|terroristes?|groupes? arme\w*)\b"
)
_STATE_FORCES = re.compile(
    r"\b(?:army|troops|soldiers|government (?:forces|troops)|security forces|armed forces|military|police|"
    r"armee|soldats|militaires|forces (?:armees|de (?:defense|securite)))\b"
)
_SPEAKS = re.compile(r"\b(?:said|says|say|told|according|reported|selon|ont dit|a dit|affirm\w*)\b")
_SPEAKER = re.compile(
    r",\s+(?:the\s+|l'|le\s+|la\s+)?(?:[\w-]+\s+){0,4}?(?:said|says|told|reported|a dit|ont dit)\b"
)
#: a verb with no subject of its own: joined by "and" or a comma, or a participle ("…, capturing")
_NO_SUBJECT = re.compile(r"(?:\band|,)\s+(?:(?:then|later|also|eventually|finally)\s+)?$")
_PEACEFUL_HANDOVER = re.compile(
    r"\b(?:no (?:reported )?(?:violence|fighting|resistance|clashes|casualties)|without (?:a )?(?:fight|resistance|"
    r"fighting)|after [^.]{0,60}\b(?:withdrew|withdrawal|left|pulled out)|sans (?:combat|resistance)|apres le retrait)"
)


def decide_type(
    kind, sub: str, folded: str, offset: int, *, actors: list[ActorEntry], side2: list[ActorEntry]
) -> tuple[str, str]:
    """The event type and sub-event type of a trigger of ``kind`` at ``offset`` in a folded sentence."""
    state = any(a.inter == 1 or "Armed Forces" in " ".join(a.affiliations) for a in actors)
    if kind == TERRITORY:
        if _PEACEFUL_HANDOVER.search(folded):
            return S.value, "Non-violent transfer of territory"
        before = folded[max(0, offset - 80) : offset]
        if _NO_SUBJECT.search(before):
            # "troops entered the enclave, clashing with rebels and capturing a village": a verb joined
            # without a subject of its own has the clause's, named from the sentence's start
            before = folded[:offset]
        subject = _after_speaker(before)
        named_state, named_rebels = _STATE_FORCES.search(subject), _NON_STATE.search(subject)
        if named_state and (not named_rebels or named_state.start() < named_rebels.start()):
            return B.value, "Government regains territory"  # the subject's head names who took it
        if state or (not actors and not named_rebels):
            return B.value, "Government regains territory"
        return B.value, "Non-state actor overtakes territory"
    if kind == P or (kind in (ATTACK, KILLING) and PROTESTERS.search(_target(folded, offset))):
        return _protest_type(folded)
    if sub == "Arrests" and PROTESTERS.search(RELATIVE.sub(" ", folded)):
        # protesters arrested: the protest is the event, and how it went decides its type (arrests are
        # an intervention at least); people arrested "who organised protests" are only arrested
        return _protest_type(folded)
    subject = folded[max(0, offset - 50) : offset]
    passive = _PASSIVE.search(folded[max(0, offset - 30) : offset])  # "the villagers' homes were looted by"
    if (
        sub == "Looting/property destruction"
        and _CROWD.search(subject)
        and not _SPEAKS.search(subject)
        and not passive
    ):
        return R.value, "Violent demonstration"  # a crowd's looting or burning is a riot
    crude = _CRUDE_WEAPONS.search(folded) and not _MILITARY_TARGETS.search(folded)
    if sub == "Armed clash" and crude and _CROWD.search(subject):  # a crowd with sticks and stones: a riot
        return R.value, "Violent demonstration" if PROTESTERS.search(folded) else "Mob violence"
    target = _target(folded, offset)
    named_civilians, named_military = _VICTIMS.search(target), _MILITARY_TARGETS.search(target)
    civilians = any(a.inter == 7 for a in side2) or named_civilians
    military = named_military or any(a.inter in (1, 2, 3, 8) for a in side2)
    if kind in (ATTACK, KILLING):
        # the words for whom it hit come before the parties the sentence goes on to name
        if (named_civilians and not named_military) or (civilians and not military):
            return V.value, "Attack"
        if kind == KILLING and not military and not side2 and not actors:
            return V.value, "Attack"
        return B.value, "Armed clash"
    return kind.value, sub


def _protest_type(folded: str) -> tuple[str, str]:
    """A protest: peaceful, met with force (excessive, or an intervention), or violent (a riot).

    What the protest is about is not how it went: the killings it mourns, the crackdown of the
    day before ("undeterred by …", "to mourn those killed last month") do not count.
    """
    folded = _PAST_TIME.sub(" ", _CAUSE.sub(" ", folded))
    if _PROTEST_VIOLENCE.search(folded):
        return R.value, "Violent demonstration"
    if _EXCESSIVE_FORCE.search(folded):
        return P.value, "Excessive force against protesters"
    if _INTERVENTION.search(folded):
        return P.value, "Protest with intervention"
    return P.value, "Peaceful protest"


def _target(folded: str, offset: int) -> str:
    """Where the trigger's target is named: after it, or before it in a passive ("1 soldier was killed")."""
    if _PASSIVE.search(folded[max(0, offset - 30) : offset]):
        return folded[max(0, offset - 120) : offset]
    after = folded[offset : offset + 120]
    speaker = _SPEAKER.search(after)  # ", the Malian army said": who told it, not whom it hit
    return after[: speaker.start()] if speaker else after


#: what a protest is about: the event it mourns or answers, told after these words, up to the clause's end
_CAUSE = re.compile(
    r"\b(?:to mourn|mourn\w*|in memory of|to hono(?:u)?r|hono(?:u)?ring|commemorat\w*|undeterred by|"
    r"(?:to )?(?:decry|decried|denounc\w*|condemn\w*) the|(?:demand\w*|seek\w*) justice for|"
    r"(?:following|after|over|against|denouncing|condemning) the (?:\w+ )?(?:death|killing|murder|shooting|"
    r"acquittal|arrest)s?\b|whose (?:\w+ )?death|anniversary of|en hommage a|pour denoncer (?:la|le|les) (?:mort|meurtre|assassinat)\w*)"
    r"[^.;]*"
)
#: a clause set at an earlier time than the protest: "the previous day when police fired …"
_PAST_TIME = re.compile(
    r"[^,.;]*\b(?:last (?:month|week|year)|the previous (?:day|week|month)|the day before|"
    r"earlier this (?:month|week|year)|(?:a|two|three|several|\d+) (?:days|weeks|months|years) ago|"
    r"le mois dernier|la semaine derniere|la veille)\b[^,.;]*"
)
#: a relative clause describing someone ("people who organise the demonstrations"), up to its end
RELATIVE = re.compile(r"\b(?:who|whom|whose|qui)\b[^,.;]*")
#: weapons of a crowd, not of an armed group
_CRUDE_WEAPONS = re.compile(
    r"\b(?:sticks|clubs|rods|machetes|stones|rocks|knives|axes|bamboo|batons|cudgels|bare hands|"
    r"batons|gourdins|coupe-coupe|pierres)\b"
)
_SPEECH = re.compile(
    r"(?:\bsaid|\bsays|\btold \w+|\baccording to [^,]*,|\breported|\bselon [^,]*,)\s*(?:that\s+)?"
)


def _after_speaker(subject: str) -> str:
    """The words before a trigger, from after the last speaker ("an army spokesman said that rebels …")."""
    ends = [m.end() for m in _SPEECH.finditer(subject)]
    return subject[ends[-1] :] if ends else subject


#: weapons that make an attack or a clash the explosion or remote-violence sub-type they name
_SPECIFIC = frozenset(
    [
        "Grenade",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Air/drone strike",
    ]
)


def refine_type(draft, kind, sub: str, folded: str) -> None:
    """What a later sentence on the same event adds to its type.

    An event opened by a bare "attack" takes the weapon a later sentence names ("the attacks were
    carried out with grenades"): the codebook's most specific sub-event type applies; a clash or a
    shootout stays one whatever was thrown in it.  A protest turns into a riot when a later sentence
    on it tells the demonstrators' own violence ("hundreds marched … protesters blocked the main
    road"): that decides first, as the codebook has it.
    """
    if draft.by_attack and sub in _SPECIFIC and draft.sub_event_type in ("Armed clash", "Attack"):
        draft.event_type, draft.sub_event_type = E.value, sub
    elif kind in (P, R) and draft.event_type == P.value and _protest_type(folded)[0] == R.value:
        draft.event_type, draft.sub_event_type = R.value, "Violent demonstration"

"""What kind of event a sentence reports: its trigger word, and the event type the context decides.

A trigger ("seized", "ambush", "frappe de drone") gives the sentence's event
type, or a rule for it: who *takes* a place decides between a government regaining
territory and a non-state actor overtaking it; what an *attack* or a *killing*
hits decides between a battle (soldiers, police, militants, a base) and violence
against civilians (villagers, a market, a priest).  In a passive sentence ("1
soldier was killed by a sniper") the target is named before the trigger.

The first trigger of a sentence wins, specific ones (an air strike, an IED)
before generic ones (attack, killed), except that a capture wins over the air
strikes or shelling that preceded it ("after air strikes, the army retook X").
A protest with looting, burning or stones is a riot, and a crowd's looting or
burning is too.  Triggers inside an infinitive, a future or an obligation ("to
take control", "will withdraw", "doit quitter") are not events.
"""

from __future__ import annotations

import re

from geomap.extract.actors import ActorEntry
from geomap.extract.text import Sentence, fold
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

#: (pattern on folded text, event type or rule, sub-event type); the first match in a sentence wins
TRIGGERS: list[tuple[re.Pattern[str], object, str]] = [
    (p, t, s)
    for p, t, s in [
        (
            r"chlorine|toxic gas|poison(?:ous)? gas|sarin|mustard gas|chemical (?:weapons?|attacks?|agents?)|"
            r"nerve agents?|sulfur mustard|gaz toxiques?|armes? chimiques?",
            E,
            "Chemical weapon",
        ),
        (
            r"suicide (?:[\w-]+ ){0,3}?(?:bomb\w*|attack\w*|vests?|explosive devices?|ieds?)|\bs?vbieds?\b|kamikaze|attentat-suicide|blew (?:himself|herself|"
            r"themselves) up|s'est fait exploser|se sont fait exploser",
            E,
            "Suicide bomb",
        ),
        (
            r"drone strikes?|air ?strikes?|(?:second|another|new|third|fresh) strikes?\b|air forces?\b[^.]{0,40}\b(?:attack\w*|strik\w*|offensives?|bomb\w*|raids?|"
            r"targeted|hit|pounded)|(?:fighter jets?|warplanes?|war planes?|jets|mig fighters|helicopters?|"
            r"gunships?|aircraft|aviation)\b[^.]{0,40}\b(?:attack\w*|strik\w*|bomb\w*|pounded|targeted|hit|"
            r"fired|struck|destroy\w*|carried out)|raids? by (?:the )?(?:[\w'-]+ ){0,3}(?:choppers|helicopters|jets|warplanes|aircraft)|combat sorties|sorties|air raids?|aerial (?:strikes?|bombardments?)|bombed|bombing raid|frappes? (?:de drones?|aeriennes?)|bombardements? aeriens?|raids? aeriens?|drones? (?:struck|hit|targeted)",
            E,
            "Air/drone strike",
        ),
        (
            r"(?:defused|dismantled|discovered|found|recovered|seized|desamorc\w*|decouvert\w*|saisi\w*) "
            r"(?:\w+ ){0,4}(?:bombs?|ieds?|explosives?|landmines?|mines|weapons? caches?|arms caches?|"
            r"engins? explosifs?)|(?:bombs?|ieds?|explosives?|landmines?|mines|engins? explosifs?) (?:\w+ ){0,4}"
            r"(?:were |was |ont ete |a ete )?(?:defused|dismantled|discovered|found|desamorc\w*|decouvert\w*)|"
            r"premature(?:ly)? (?:detonat|explo)\w*|accidental(?:ly)? (?:detonat|explo|activat)\w*|"
            r"while (?:planting|making|assembling)|intercept\w* (?:[\w,-]+ ){0,6}(?:missiles?|rockets?|drones?|"
            r"projectiles?|guns|rifles?|weapons?|arms|ammunitions?|explosives?)|"
            r"(?:firearms?|weapons?|ammunitions?|grenades|rifles?|guns|pistols?|revolvers?|cartridges|bullets|explosives|arms|"
            r"caches?|stash\w*|projectiles|rocket bombs?) "
            r"(?:[\w,]+ ){0,8}(?:were |was |have been |has been )?(?:seized|captured|confiscated|recovered|"
            r"destroyed|found|defused|"
            r"discovered|identified)|(?:destroyed|discovered|found|uncovered|seized|confiscated|dismantled) "
            r"(?:[\w,-]+ ){0,6}(?:weapons?|ammunitions?|arms|explosives?|explosive devices?|guns|rifles?|landmines?|"
            r"grenades?|machine guns|tunnels?|depots?|caches?|stash\w*|hideouts?|workshops?|bomb-making)",
            S,
            "Disrupted weapons use",
        ),
        (r"grenades?", E, "Grenade"),
        (
            r"car bomb\w*|vehicle-borne|vehicule piege|improvised explosive devices?|\bied\b|\bieds\b|\bbombs?\b(?! (?:attacks?|threats?|scares?))|explosions?\b|exploded|\bblasts?\b|landmines?|\bmines?\b(?! d'or| d'orpaill)|explosive devices?|roadside bomb\w*|engins? explosifs?|mines? artisanales?|a saute sur|sauté sur",
            E,
            "Remote explosive/landmine/IED",
        ),
        (
            r"shell(?:ing|ed)|mortars?|rockets?|\brpgs?\b|missiles?|artillery|obus|tirs? de mortiers?|roquettes?|tirs d'artillerie",
            E,
            "Shelling/artillery/missile attack",
        ),
        (
            r"kidnapp\w*|abduct\w*|taken hostage|held hostage|took [^.]{0,40}\bhostages?\b|enlev\w*|pris en otage|otages?",
            V,
            "Abduction/forced disappearance",
        ),
        (
            r"\brap(?:ed|e|es|ing)\b|gang-rap\w*|molest\w*|sexual(?:ly)? (?:assault\w*|abus\w*)|sexual violence|"
            r"violences? sexuelles?|viols?\b",
            V,
            "Sexual violence",
        ),
        (r"massacr\w*|execut(?:ed|ion|ions)|summar\w* execut\w*|tortur\w*|executes?|exécut\w*", V, "Attack"),
        (
            r"(?:seized|captured|capturing|retook|recaptur\w*|regained|liberated|liberating|overran|overrun|retak(?:en|ing)|occupied)\b(?! (?:\w+ ){0,2}(?:vehicles?|weapons?|arms|equipment|motorbikes?|motorcycles?|ammunition|goods|cattle|livestock|documents?|trucks?|guns?|rifles?|"
            r"commanders?|leaders?|suspects?|members?|militants?|fighters?|insurgents?|terrorists?|jihadists?|"
            r"men|persons?|people|soldiers?|hostages?))|drove (?:\w+ ){0,3}(?:back|out)\b|expelled (?:\w+ ){0,3}from|"
            r"pushed (?:\w+ ){0,3}out of|(?:took|taken|takes?|taking|seized|seizes|gained|regains?|recover\w*) (?:back |the |full |complete |total )?(?:control|over)\b|overt(?:ook|ake\w*)\b|freed (?:\w+ ){0,3}(?:villages?|towns?|areas?|city|district|neighbou?rhoods?)|entered (?:the (?:town|city|village|camp) of )?[a-z]|fell to|a repris|ont repris|reprise? (?:de|du) (?:controle|la ville|camp)|pris le controle|s'est empare|se sont empares|sont entres dans|est entree? dans|reconquete|libere\w*|tombe\w* aux mains|tombee? entre les mains",
            TERRITORY,
            "",
        ),
        (
            r"ambush\w*|clash\w*|fighting|fought|battles?\b(?! for)|gunfights?|firefights?|shoot-?outs?|exchange of fire|assault\w*|offensive|embuscades?|affrontements?|accrochages?|combats?\b|se sont affrontes|ont affronte|repousse\w*|repelled|counter-?attack\w*",
            B,
            "Armed clash",
        ),
        (
            r"attack\w*|raid\w*|stormed|struck|attaqu\w*|attentats?|assailli|\bshot\b|\bshoot\w*|opened fire|"
            r"open fire|fired (?:on|at|upon)|wound(?:ed|ing|s)?\b|injur(?:ed|ing|es)\b|hijack\w*|"
            r"ouvert le feu|bless\w*",
            ATTACK,
            "",
        ),
        (
            r"kill(?:s|ed|ing)?\b|shot dead|confirmed dead|gunned down|massacre|slain|tue(?:e?s?|r)\b|abattu\w*|assassin\w*|morts?\b|deaths?\b|died",
            KILLING,
            "",
        ),
        (
            r"\bprotest\w*|demonstrat\w*|rall(?:y|ies|ied)|marched|marches\b|(?:a|the|peaceful|protest) march\b|"
            r"die-in|sit-in|manifest\w*|\bmarche\b|rassemblement|"
            r"(?:fired|fires?|firing|used|using) (?:\w+ ){0,2}(?:tear ?gas|water cannons?|rubber bullets|pepper spray)|"
            r"(?:on|go on|went on|goes on|a|general|hunger|labou?r|\d+-hour|day-long) strike\b|strikes? (?:by|over|action)|"
            r"\bgreve\b|picket\w*|gathered|took to the streets|staged a|sit-in",
            P,
            "Peaceful protest",
        ),
        (
            r"\blynch\w*|\bmobs?\b|mob justice|jungle justice|vigilantes?\b|foule en colere|justice populaire",
            R,
            "Mob violence",
        ),
        (
            r"(?<!anti-)\briot\w*(?! police| gear| squads?| units?| control| shields?)|emeutes?|vandali[sz]\w*|barricad\w*|blocked (?:the |main )?(?:roads?|streets?|highways?)|"
            r"burn(?:t|ed|ing) tyres|set tyres",
            R,
            "Violent demonstration",
        ),
        (
            r"arrest\w*|detained|detention|jailed|interpell\w*|arrete\w*|arrestation\w*|"
            r"raids? (?:\w+ ){0,2}to (?:arrest|detain|apprehend|nab)|"
            r"(?:captured|nabbed|apprehended) (?:an? |the |two |three |\d+ )?(?:senior |top |suspected |wanted )?"
            r"(?:commanders?|leaders?|suspects?|militants?|insurgents?|terrorists?|jihadists?)\b|"
            r"intercept\w* (?:\w+ ){0,2}(?:suspect\w*|members|militants|persons|people|individuals)",
            S,
            "Arrests",
        ),
        (
            r"loot\w*|torched|set (?:on )?fire|burn(?:ed|t) down|burned|pille\w*|incendi\w*|razed|destroyed|"
            r"(?:attacks? on|destruction of|damage to|damaged|vandali[sz]ed) (?:[\w,-]+ ){0,4}propert(?:y|ies)",
            S,
            "Looting/property destruction",
        ),
        (
            r"left (?:[^.]{0,40}? )?(?:its |their |the )(?:camp|base)|(?:withdrew|withdrawn|pulled out|pull(?:ed|s|ing)? back|handed over|handover of|hand-over of|evacuated|vacated|began leaving)\b|withdrawal from|departure from|left (?:the )?(?:town|city|country)|(?:a|ont|avait) quitte|s'est retir\w*|se sont retir\w*|retrait (?:de|du|des)|retrocession|remis\w* (?:le camp|la base)",
            S,
            "Non-violent transfer of territory",
        ),
        (
            r"(?:set(?:ting)? up|establish\w*|open(?:ed|ing)|buil[dt]\w*) (?:[\w,]+ ){0,5}(?:bases?|camps?|headquarters|"
            r"observation points?|observation posts?|military posts?|outposts?|positions|checkpoints?|barracks)\b|"
            r"install\w* (?:une |a )?(?:base|camp)",
            S,
            "Headquarters or base established",
        ),
        (
            r"surrender\w*|se sont rendus|reddition|\bagreements?\b|\btruce\b|negotiat\w*|peace talks|"
            r"(?:held|hold\w*|beg[au]n|joined|resumed|indirect|direct|bilateral|ceasefire) talks\b|talks (?:with|between)\b|pourparlers|"
            r"prisoners? (?:exchange|swap)|exchange of prisoners|exchanged prisoners|ceasefire|cease-fire|peace (?:agreement|deal|accord)|signed (?:an? )?(?:agreement|accord|deal)|cessez-le-feu|accords? de paix|ont signe|a signe|signature (?:de l'|d'un )accord",
            S,
            "Agreement",
        ),
        (
            r"approved|voted|adopted (?:a |the )?resolution|decided to (?:end|terminate|withdraw)|a approuve|a vote|a decide|resolution",
            S,
            "Other",
        ),
        (
            r"(?:documents?|recordings?|reports?)\b[^.]{0,80}\b(?:were|was|have been|had been) (?:found|discovered)|discovered documents|documents (?:retrouves|decouverts)",
            S,
            "Other",
        ),
        (
            r"deployed (?:to|in|at|on)\b|deploy\w* (?:\w+ ){0,2}(?:reinforcements|troops)|(?:moving|moved|sent) "
            r"(?:\w+ )?(?:troops|reinforcements)|redeploy\w*|deploie\w*|deploiement|"
            r"deploy\w* (?:\w+ ){0,2}(?:forces|troops|units|soldiers) (?:to|in|at|on)\b|reinforc\w*|mobili[sz]\w*|"
            r"\b(?:was|were|been|is|are) (?:officially )?formed\b|formed (?:a|the) (?:new )?|splinter\w*|split from|"
            r"\bdefect\w*|switched sides|\bjoined (?:the )?(?:ranks of |\w+ )?(?:militants?|insurgents?|rebels?|jihadists?|"
            r"armed groups?|fighters)\b|dissolv\w*|dissolution|merged|merger|fusion|created (?:a |the )?(?:new )?(?:group|movement|alliance|coalition)|announced (?:its|the) creation",
            S,
            "Change to group/activity",
        ),
    ]
    for p in [re.compile(p)]
]
_STRICT_MODAL = re.compile(
    r"(?:(?<!continues )(?<!continued )(?<!began )(?<!started )\bto(?! have\b)|\bwill|\bwould|\bmust(?: have)?|\bshould|\bdue to|\bset to|\bexpected to|\bplans? to|\bplann(?:ing|ed)|\bplott(?:ing|ed)|\bpour|"
    r"\bdoit|\bdoivent|\bdevra\w*|\bdevrait|\bva|\bvont|\bafin de)\s+(?:\w+\s+)?$"
)
_VICTIMS = re.compile(
    r"\b(?:civilians?|villagers?|traders?|herders?|farmers?|women|children|worshippers?|passengers?|"
    r"residents?|displaced|markets?|villages?|mosques?|churches|church|schools?|weddings?|communit(?:y|ies)|hamlets?|"
    r"civils?|villageois|femmes|enfants|"
    r"fideles|commercants?|eleveurs?|marche|mosquee|ecole|eglise|deplaces|passagers|population|people|persons?|"
    r"\bm[ae]n\b|wom[ae]n|girls?|fisherm[ae]n|fishers?|herdsm[ae]n|businessm[ae]n|tribesm[ae]n|pecheurs?|boys?|widows?|famil(?:y|ies)|priests?|pastors?|imams?|teachers?|students?|"
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
_PARTICIPANTS = re.compile(r"\w+(?:ers|ors|ants)\b")
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
_PROTESTERS = re.compile(r"\b(?:protesters?|demonstrators?|manifestants?|protest\w*|marchers?|sit-in)\b")
_EXCESSIVE_FORCE = re.compile(
    r"\b(?:opened fire|open fire|fired (?:live )?(?:rounds|bullets|shots)|shot|killed|killing|live (?:ammunition|bullets|rounds|fire)|"
    r"serious(?:ly)? (?:injur\w*|wound\w*)|die(?!-in)|dies|"
    r"gunfire|died|dead|deaths?|violently (?:suppress\w*|dispers\w*)|"
    r"excessive force|beat\w*|tue\w*|tir\w* a balles reelles|ouvert le feu)\b"
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
_PEACEFUL_HANDOVER = re.compile(
    r"\b(?:no (?:reported )?(?:violence|fighting|resistance|clashes|casualties)|without (?:a )?(?:fight|resistance|"
    r"fighting)|after [^.]{0,60}\b(?:withdrew|withdrawal|left|pulled out)|sans (?:combat|resistance)|apres le retrait)"
)


def find_trigger(text: str, sentence: Sentence) -> tuple[int, object, str] | None:
    folded = fold(text[sentence.start : sentence.end])
    found: list[tuple[bool, int, object, str]] = []
    for pattern, kind, sub in TRIGGERS:
        for match in pattern.finditer(folded):
            begin = match.start()
            if begin > 0 and folded[begin - 1].isalnum():
                continue
            if _STRICT_MODAL.search(folded[:begin]) and not _PARTICIPANTS.match(folded, begin):
                continue  # "to take control" is no event; "to disperse protesters" names a protest
            if _EARLIER_EVENT.search(folded[max(0, begin - 60) : begin]):
                continue  # "the scene of a deadly 2017 chemical weapons attack": an earlier event
            generic = kind in (ATTACK, KILLING) or sub == "Armed clash"
            found.append((generic, begin, kind, sub))
            break
    if not found:
        return None
    if any(f[3] == "Chemical weapon" for f in found):
        found = [f for f in found if f[3] == "Chemical weapon"]  # whatever delivered it
    if any(f[3] == "Disrupted weapons use" for f in found):
        found = [f for f in found if f[3] != "Other"]  # weapons found, not documents
    if any(f[3] == "Mob violence" for f in found) and not _PROTESTERS.search(folded):
        found = [f for f in found if f[3] != "Violent demonstration"]  # a mob's riot, no protest named
    if any(f[2] == TERRITORY for f in found):
        # the capture is the event, not the air strikes or shelling before it
        found = [f for f in found if f[2] != E]
    _, begin, kind, sub = min(found, key=lambda f: (f[0], f[1]))
    return sentence.start + begin, kind, sub


def decide_type(
    kind, sub: str, folded: str, offset: int, *, actors: list[ActorEntry], side2: list[ActorEntry]
) -> tuple[str, str]:
    """The event type and sub-event type of a trigger of ``kind`` at ``offset`` in a folded sentence."""
    state = any(a.inter == 1 or "Armed Forces" in " ".join(a.affiliations) for a in actors)
    if kind == TERRITORY:
        if _PEACEFUL_HANDOVER.search(folded):
            return S.value, "Non-violent transfer of territory"
        subject = _after_speaker(folded[max(0, offset - 80) : offset])
        named_state, named_rebels = _STATE_FORCES.search(subject), _NON_STATE.search(subject)
        if named_state and (not named_rebels or named_state.start() < named_rebels.start()):
            return B.value, "Government regains territory"  # the subject's head names who took it
        if state or (not actors and not named_rebels):
            return B.value, "Government regains territory"
        return B.value, "Non-state actor overtakes territory"
    if kind == P or (kind in (ATTACK, KILLING) and _PROTESTERS.search(_target(folded, offset))):
        return _protest_type(folded)
    if sub == "Arrests" and _PROTESTERS.search(folded):
        return P.value, "Protest with intervention"  # protesters arrested: the protest is the event
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
        return R.value, "Violent demonstration" if _PROTESTERS.search(folded) else "Mob violence"
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
#: a trigger that names an earlier event: "the scene of a deadly 2017 attack", "the 2015 massacre"
_EARLIER_EVENT = re.compile(
    r"(?:\bscene of|\bsite of|\banniversary of|\bin memory of)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}$|"
    r"\b(?:an?|the|its|their)\s+(?:[\w-]+\s+)?(?:19|20)\d\d\s+(?:[\w-]+\s+){0,2}$"
)
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


_DEFINITE = re.compile(r"(?:\bthe|\bthis|\bthat|\bl'|\bcette|\bcet|\bce)\s*$")


def refers_to_known_event(folded: str, offset: int) -> bool:
    """A trigger named with a definite article ("the explosion", "l'attaque") speaks of an event already told."""
    return bool(_DEFINITE.search(folded[max(0, offset - 8) : offset]))

"""What kind of event a sentence reports: its trigger word ("seized", "ambush", "frappe de drone").

A trigger gives the sentence's event type, or a rule for it that ``event_types``
applies (who takes a place, whom an attack hits, how a protest went).

The first trigger of a sentence wins, specific ones (an air strike, an IED)
before generic ones (attack, killed), except that a capture wins over the air
strikes or shelling that preceded it ("after air strikes, the army retook X").
Triggers inside an infinitive, a future or an obligation ("to take control",
"will withdraw", "doit quitter") are not events; nor are triggers that name an
earlier event ("the scene of a 2017 attack").
"""

from __future__ import annotations

import re

from geomap.extract.event_types import ATTACK, KILLING, PROTESTERS, RELATIVE, TERRITORY, B, E, P, R, S, V
from geomap.extract.text import Sentence, fold

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
            r"arrest\w*|detain(?:s|ed|ing)?\b|detention|jailed|interpell\w*|arrete\w*|arrestation\w*|"
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
_PARTICIPANTS = re.compile(r"\w+(?:ers|ors|ants)\b")
_STRICT_MODAL = re.compile(
    r"(?:(?<!continues )(?<!continued )(?<!began )(?<!started )\bto(?! have\b)|\bwill|\bwould|\bmust(?: have)?|\bshould|\bdue to|\bset to|\bexpected to|\bplans? to|\bplann(?:ing|ed)|\bplott(?:ing|ed)|\bpour|"
    r"\bdoit|\bdoivent|\bdevra\w*|\bdevrait|\bva|\bvont|\bafin de)\s+(?:\w+\s+)?$"
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
            if _UNREAL.search(folded[max(0, begin - 40) : begin]) and kind != KILLING:
                continue  # "warned of fresh attacks", "no clashes were reported": nothing happened
            if _EARLIER_EVENT.search(folded[max(0, begin - 60) : begin]):
                continue  # "the scene of a deadly 2017 chemical weapons attack": an earlier event
            generic = kind in (ATTACK, KILLING) or sub == "Armed clash"
            found.append((generic, begin, kind, sub))
            break
    if not found:
        return None
    relative = [m.span() for m in RELATIVE.finditer(folded)]
    # a trigger in a relative clause describes a participant ("people who organise the protests"):
    # the main clause's trigger, if there is one, tells the event
    found = [f for f in found if not any(a <= f[1] < b for a, b in relative)] or found
    if any(f[3] == "Chemical weapon" for f in found):
        found = [f for f in found if f[3] == "Chemical weapon"]  # whatever delivered it
    if any(f[3] == "Disrupted weapons use" for f in found):
        found = [f for f in found if f[3] != "Other"]  # weapons found, not documents
    if any(f[3] == "Mob violence" for f in found) and not PROTESTERS.search(folded):
        found = [f for f in found if f[3] != "Violent demonstration"]  # a mob's riot, no protest named
    killing = _KILLED_CAPTIVE.search(folded) if any(f[3] == _ABDUCTION for f in found) else None
    if killing:
        # the abducted were killed: the killing is the event, and whom it killed decides its type
        found = [f for f in found if f[3] != _ABDUCTION] + [(False, killing.start(), KILLING, "")]
    if any(f[2] == TERRITORY and not _ELSEWHERE.search(folded[max(0, f[1] - 50) : f[1]]) for f in found):
        # the capture is the event, not the air strikes or shelling before it; a capture told "as"
        # another party's strikes went on ("…, as rebels captured a village") is another event
        found = [f for f in found if f[2] != E]
    _, begin, kind, sub = min(found, key=lambda f: (f[0], f[1]))
    return sentence.start + begin, kind, sub


#: a clause of its own subject, at the same time as the sentence's first event: "…, as rebels captured X"
_ELSEWHERE = re.compile(r"(?:,|;)\s*(?:as|while|whereas|meanwhile|at the same time)\s+(?:[\w'-]+\s+){1,5}$")
_ABDUCTION = "Abduction/forced disappearance"
_ABDUCT = (
    r"(?:kidnapp\w*|abduct\w*|taken (?:hostage|captive)|held (?:hostage|captive)|enlev\w*|pris en otage)"
)
_KILL = (
    r"(?:kill(?:ed|ing)|murder(?:ed|ing)|behead\w*|decapitat\w*|execut(?:ed|ing)|shot dead|slain|slaughter\w*|"
    r"strangled|hanged|found dead|tue(?:e?s)?\b|assassin\w*|execute\w*|egorge\w*|decapite\w*|retrouve\w* morts?)"
)
_MANNER = (
    r"(?:(?:and|then|before|et|puis|avant d'etre)\s+|,\s*)(?:(?:later|then|subsequently|eventually|brutally|"
)
_MANNER += r"ensuite|plus tard|\w+ly)\s+)*"
#: where and when, between a passive abduction and its killing: "were abducted at a checkpoint on Friday and"
_ADJUNCTS = r"(?:(?:at|in|on|from|near|outside|during|while|last|a|au|a|dans|pres de|lors d[eu])\s+(?:[\w'-]+\s+){1,4}?)*"
#: a killing of the abducted: "was kidnapped and later killed", "abducted and beheaded", "killed after being
#: abducted", "kidnapped two teachers and killed them", "the hostages were executed", "tués en captivité"
_KILLED_CAPTIVE = re.compile(
    rf"\b{_ABDUCT}\s+{_ADJUNCTS}{_MANNER}{_KILL}|"
    rf"\b{_KILL}\s+(?:[\w,-]+\s+){{0,6}}?(?:after|following|having been|apres)\s+(?:(?:being|having been|their|his|her|"
    rf"its|the|they were|he was|she was|avoir ete|leur|son)\s+)?{_ABDUCT}|"
    rf"\b{_ABDUCT}\s+[^.;]{{0,60}}?\b(?:and|then|et)\s+(?:later\s+)?{_KILL}\s+(?:them|him|her|the (?:hostages|captives))\b|"
    rf"\b(?:hostages?|captives?|otages?)\s+(?:[\w-]+\s+){{0,3}}(?:was|were|have been|has been|ont ete|a ete)\s+"
    rf"(?:\w+\s+)?{_KILL}|"
    rf"\b{_KILL}\s+(?:[\w-]+\s+){{0,4}}?(?:in captivity|en captivite)"
)

#: what did not happen or is only feared: a warning, a threat, a fear, a denial of fact, "no clashes"
_UNREAL = re.compile(
    r"(?:\bwarn\w* (?:of|about|against)|\bfears? (?:of|that)|\bfeared|\bthreats? of|\brisks? of|\bdangers? of|"
    r"\bno|\bnot|\bnever|\bdid not|\bdidn't|\bhas not|\bhave not|\bwithout|\bcrai(?:n|gn)\w* (?:de|d'|que)|\bmenaces? de|"
    r"\baucune?|\bsans|\bpas de)\s+(?:(?:any|further|fresh|new|more|possible|major|serious|reported|nouvelles?|nouveaux|de|d'|la|les)\s+)?$"
)

#: a trigger that names an earlier event: "the scene of a deadly 2017 attack", "the 2015 massacre"
_EARLIER_EVENT = re.compile(
    r"(?:\bscene of|\bsite of|\banniversary of|\bin memory of)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}$|"
    r"\b(?:an?|the|its|their)\s+(?:[\w-]+\s+)?(?:19|20)\d\d\s+(?:[\w-]+\s+){0,2}$"
)
_DEFINITE = re.compile(r"(?:\bthe|\bthis|\bthat|\bl'|\bcette|\bcet|\bce)\s*$")


def refers_to_known_event(folded: str, offset: int) -> bool:
    """A trigger named with a definite article ("the explosion", "l'attaque") speaks of an event already told."""
    return bool(_DEFINITE.search(folded[max(0, offset - 8) : offset]))

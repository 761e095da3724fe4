"""Crisis detection: suicidal ideation, self-injury, goodbye messages, methods and plans, in five languages.

The hard part is not finding the words "die" or "kill" but leaving alone the many messages in a
peer-support room that use them without being a crisis. Four mechanisms do that:

1. Figures of speech ("this exam is killing me", "me muero de risa") are blanked out before anything
   else is matched.
2. Explicitly negated forms ("I don't want to die", "no quiero morir") are phrases of their own,
   and the matcher takes the longest phrase at each position, so they swallow the signal inside them.
3. Recovery and past-tense markers ("used to", "2 years clean", "cuando era adolescente") cancel a
   signal in the same sentence, unless a contrast word ("but", "pero", "aber") separates them or a
   "current" marker ("again", "last night", "otra vez") says it is happening now.
4. Only first-person, concrete phrasings are listed; medication questions ("can I take ibuprofen
   with sertraline?") contain none of them.

A method, means-seeking question or a plan with a time is `METHOD` (escalate and hold); anything
else found is `IDEATION` (escalate, the message stays visible).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple
from enum import IntEnum

from moderation.lexicon import Hit, PhraseMatcher, WordsOf
from moderation.normalize import Normalized, fold, squeeze
from moderation.word_index import INDEX


class Risk(IntEnum):
    """How urgent a crisis signal is; the order matters (higher is more urgent)."""

    NONE = 0
    IDEATION = 1
    METHOD = 2


class CrisisFinding(NamedTuple):
    """What the crisis stage found: the risk, stable reason codes, and whether distress was seen."""

    risk: Risk = Risk.NONE
    reasons: tuple[str, ...] = ()
    distress: bool = False


_NUM = "(2|3|4|5|6|7|8|9|10|11|12|15|18|20|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|many|several|some)"

_FIG_SUBJECT = (
    "(is|are|was|were|its|thats|this|these|they|it|he|she|you|youre|theyre|shes|hes|job|work|exam|exams|"
    "back|head|feet|knees|legs|neck|stomach|tooth|teeth|migraine|cramps|period|heat|commute|boss|kids|"
    "anxiety|waiting|suspense|insomnia|uni|school|homework|thesis|deadline|pain|cravings|craving)"
)

FIGURATIVE = (
    # English
    "<FIG_SUBJECT> (literally |actually |really |so |slowly |just |honestly |)(killing|kiling) me",
    "(die|died|dying|dead|die of|died of|dying of|dying from) (laughing|laughter|embarrassment|shame|boredom|cringe|cuteness)",
    "(kill|killing|killed) myself laughing",
    "(could|would|gonna|going to|about to|will|nearly|almost|literally|i|im|i am|could have|couldve) "
    "(die|died|dying|dead) (of|from) (laughter|laughing|embarrassment|shame|boredom|cringe|cuteness|happiness|hunger|heat|thirst)",
    "(im|i am|were|we are) (dying|dead) (lol|lmao|haha|hahaha|rofl|xd)",
    "(lol|lmao|haha|hahaha|omg) (im|i am|i was) (dying|dead)",
    "dying to (see|meet|know|try|hear|tell|get|go|watch|read|find out|visit|eat)",
    "to die for",
    "(dead|dying) tired",
    "(bored|scared|worried|frightened|tickled|stressed|freaked) to death",
    "(would|could|id|i would|i could|i d) (literally |honestly |)kill for (a|an|some|the|one)",
    "kill (the|this|some) time",
    "(felt|feel|feels|thought|think|sure|convinced|swore|certain|believed) (like |that |)(i was|im|i am|i was going to|im going to|i am going to|i) "
    "(dying|going to die|gonna die|about to die|having a heart attack|having a stroke)",
    "(panic attack|panic attacks|heart attack|anxiety attack) (.|and |)(i |)(thought|felt|feel|feels|feeling|think)",
    "(phone|battery|laptop|plant|plants|car|charger) (is |just |)(died|dead|dying)",
    "over my dead body",
    "(die|dye|dying|dyeing) (my|her|his|your|our|their) (hair|beard|eyebrows|clothes|shirt|jeans)",
    "dead (inside|serious|set|end|line|lines)",
    "(bungee|bungy|base|cliff|ski|parachute) (jump|jumping|jumped|jumps)",
    "(jump|jumping) (start|started|starting|the queue|at the chance|into the weekend)",
    # Spanish
    "(me muero|muero|morir|morirme|muerto|muerta|muertos|mori|me mori|me estoy muriendo|estoy muerto|estoy muerta) de "
    "(risa|hambre|sueno|ganas|verguenza|frio|calor|aburrimiento|envidia|amor|cansancio|miedo|sed|nervios)",
    "me (esta|estan|) (matando|mata)",
    "me mata de (risa|verguenza)",
    # German
    "(ich sterbe|sterbe|sterben|gestorben|fast gestorben) vor (lachen|hunger|langeweile|angst|scham|neugier|hitze|kalte)",
    "(totlachen|totgelacht|todmude|todlangweilig|zu tode gelangweilt|zu tode erschrocken)",
    "(bringt|bringen|brachte) mich (noch |echt |wirklich |)um",
    # French
    "(je meurs|meurs|mourir|mort|morte|morts|mourrais|mourir) de (rire|faim|froid|chaud|envie|honte|peur|fatigue|ennui|soif)",
    "(ca|cela|il|elle|tu|ce|ce boulot|ce travail|cet examen|mon dos|ma tete) (va |)me (tue|tuer|tuent)",
    "(mdr|ptdr) (je suis |jsuis |)(mort|morte)",
    # "en finir avec cette dépendance", "end things with him": being done with something, not with life
    "(en finir|den finir|end it|end things|ending it|ending things) (avec|with) (cette|ce|cet|cette|mon|ma|mes|la|le|les|him|her|them|my|the|this|that)",
    # Portuguese
    "(morrendo|morri|morro|morrer|morta|morto|to morta|to morto|estou morta|estou morto) de "
    "(rir|fome|sono|vergonha|saudade|saudades|medo|calor|frio|vontade|cansaco|tedio|sede|ansiedade)",
    "(esta|ta|isso|essa|esse|voce|vc|tu|ele|ela|meu|minha|tudo) (me |)(esta |ta |)(me |)matando",
    "me mata de (rir|vergonha)",
)

SAFE = (
    # English: explicitly negated or reassuring forms
    "(dont|do not|didnt|did not|never|wouldnt|would not|would never|will never|wont|will not|im not going to|"
    "i am not going to|im not gonna|not going to|not gonna|no longer|dont really|really dont) "
    "(want to|wanna|going to|gonna|plan to|) (die|kill myself|end my life|hurt myself|cut myself|cut|self harm|take my life|do it|end it)",
    "(im not|i am not|not|never been|wasnt|was not|no longer|not feeling|im not feeling|dont feel) suicidal",
    "(not|no longer|never) (thinking about|thought about|considering) (suicide|killing myself|ending it|ending my life)",
    "im scared (of dying|to die|of death|that i will die|im going to die|i am going to die)",
    "(afraid|scared|terrified|worried) (of dying|to die|that im dying|im dying|i am dying|i will die|ill die)",
    "(i was|im|i am|was) (suicidal|self harming|cutting) (as a teen|as a teenager|in my teens|in my twenties|in high school|at uni|in college|years ago|for years|when i was younger|back then)",
    "suicide (prevention|hotline|helpline|awareness|lifeline|line)",
    "(je pense|jai pense|je pense souvent|je pense tout le temps|je pense beaucoup|je songe|je reve) au suicide (de|du|des|d|assiste)",
    "(penso|eu penso|pensei|to pensando|estou pensando|ando pensando|fico pensando) (em|no) suicidio (do|da|de|dos|das|assistido)",
    "(pienso|he pensado|estoy pensando|sigo pensando) en el suicidio (de|del|asistido)",
    "(im not|i am not|not|never|wont|will not|would never|dont want to|dont wanna) (going to |gonna |)"
    "(jump|throw myself) (off|from|in front of|under|onto|of) <HIGH_PLACE>",
    # Spanish
    "(no|ya no|nunca) (quiero|quisiera|voy a|pienso) (morir|morirme|matarme|suicidarme|hacerme dano|cortarme|quitarme la vida)",
    "(no soy|no estoy|nunca he sido) (suicida)",
    "(miedo|panico|terror) (a|de) (morir|la muerte|morirme)",
    # German
    "(ich will|ich mochte|ich werde|will|mochte|werde) (nicht|nie) (sterben|mich umbringen|mich ritzen)",
    "(nicht|nie|nicht mehr) (suizidal|selbstmordgefahrdet)",
    "angst (vor dem sterben|zu sterben|vorm sterben|vor dem tod)",
    # French
    "je (ne |)(veux|vais|compte) (pas|jamais) (mourir|me tuer|me suicider|me faire du mal)",
    "(je ne suis pas|je suis pas|plus) suicidaire",
    "peur de mourir",
    # Portuguese
    "(nao|nunca) (quero|vou|penso em) (morrer|me matar|me suicidar|me machucar|me cortar)",
    "(nao estou|nao sou|nao to) suicida",
    "medo de morrer",
)

_I_WANT_EN = (
    "(want to|wanna|want|wanted to|would like to|ready to|tempted to|thinking about|thinking of|think about|"
    "thought about|thought of|considering|trying to|tried to|attempted to|urge to|urges to|need to|wish i could|"
    "wish to|feel like|just want to|really want to)"
)
_INTENT_EN = (
    "(going to|gonna|planning to|planning on|plan to|plan on|decided to|ive decided to|about to|will|ill|i will|"
    "im going to|i am going to|im gonna|finally going to|i have decided to)"
)
_KILL_EN = (
    "(just |really |honestly |actually |finally |)(die|be dead|kill myself|kms|end it|end it all|end things|end my life|"
    "end everything|take my own life|take my life|not be alive|not exist|not wake up|disappear forever|stop existing|"
    "stop living|go to sleep forever|sleep forever|go to sleep and (not|never) wake up|fall asleep and (not|never) wake up|sleep and never wake up|unalive myself|commit suicide|off myself|end my suffering|"
    "killing myself|ending it|ending it all|ending my life|dying|taking my own life|suicide|not waking up)"
)

IDEATION_INTENT = (
    "<INTENT> <KILL>",
    "(tonights|tonight is|todays|today is|tomorrows|tomorrow is) the (night|day) (i|that i|ill|i will|im going to|im gonna) "
    "(end it|end it all|end things|end my life|kill myself)",
    # Planning the act, not a day; a time with it makes it a plan. ("Where I'll die" is also
    # hospice planning, and "how I'd do it" anything: the second is only a warning sign.)
    "(planning|planned|plan|figured out|figuring out|worked out|working out|decided) (how|when|where) (id|i would|ill|i will|im going to|im gonna) "
    "(end it|kill myself|end my life)",
    "(me voy a|voy a|estoy decidido a|estoy decidida a|he decidido) (matar|matarme|suicidar|suicidarme|quitarme la vida|acabar con mi vida|morir)",
    "(ich werde|werde ich|ich bringe|ich bring|habe beschlossen) (mich umbringen|mich um|mir das leben nehmen|sterben|es beenden)",
    "(je vais|jai decide de|je compte) (me tuer|me suicider|en finir|mettre fin a mes jours|mourir)",
    "(vou|eu vou|decidi) (me matar|me suicidar|acabar com tudo|acabar com a minha vida|tirar minha vida|tirar a minha vida|morrer)",
)

IDEATION = (
    # English
    "<I_WANT> <KILL>",
    "(kill myself|kms|unalive myself|sewerslide|end my own life|take my own life)",
    "(im|i am|been|so|getting|very|really|feel|feeling|felt|still|constantly|always|extremely|incredibly) suicidal",
    "suicidal (thoughts|ideation|feelings|urges|again|tonight|today|right now|lately|all day)",
    "(thoughts|thinking|thinking a lot|been thinking) (of|about) (suicide|killing myself|ending it|ending my life|dying)",
    "was suicidal (last night|yesterday|this morning|earlier|today|all day|all week)",
    "wish i (was|were|could be|had|d) (dead|died|never been born|never born|not alive|gone)",
    "(wanting|wishing|longing|aching) to (die|be dead|kill myself|end it|end it all|end my life|not wake up|disappear forever)",
    "(wishing|hoping) i (was|were|could be) (dead|gone|never born)",
    "wish i (wasnt|werent|was not|were not) (alive|here|born|around)",
    "wish i could (just |)(die|disappear|not wake up|sleep forever|stop existing|not exist)",
    "(hope|hoping|praying) i (dont|do not|never) wake up",
    "(i hope i die|hope i die|i hope i dont wake up)",
    "if i (didnt|did not|never|dont|do not|wouldnt) wake up (tomorrow|again|in the morning|one day|)",
    "(wouldnt|would not|dont|do not) mind (dying|not waking up|being dead|if i died|if i didnt wake up)",
    "(relieved|glad|happy|at peace) if i (died|was dead|were dead|didnt wake up|never woke up)",
    "(cant|cannot|can not|dont think i can|unable to|no longer able to) (keep|go on|continue|carry on) (living|being alive|existing|with life)",
    "(wish|wishing) (it|everything|this|my life) would (all |just |)end",
    "(dont|do not|no longer|dont even|dont really|really dont|just dont|i dont) (want to|wanna) "
    "(live|be alive|exist|wake up|keep living|be around|continue living|go on living|be here anymore|be here any more|live anymore|live like this)",
    "(no|theres no|there is no|dont see (a|any|the)|cant see (a|any|the)|no longer see (a|any|the)|whats the|what is the|lost all) "
    "(reason|point) (to live|in living|to go on|in going on|of living|to keep going|in being alive|to be alive|to keep living|in life)",
    "(everyone|everybody|they|my family|the world|people|my kids|my wife|my husband|my parents|my partner|my friends|theyd|everyone would|everyone will) "
    "(would be|will be|are|is|d be|be) better off (without me|if i (was|were) (dead|gone)|when im gone|if i died|with me gone|dead)",
    "better off dead",
    # The same with a word between ("they would honestly be better off without me").
    "(everyone|everybody|they|my family|the world|people|my kids|my parents|my partner|my friends|theyd) "
    "(would|will|d) (honestly|really|probably|truly|definitely|all|just) be better off without me",
    "(world|everyone|everybody) (would be|is|will be) better without me",
    "(nobody|no one|noone) would (even |)(miss me|notice|care) (if i (died|was gone|were gone|disappeared|killed myself|was dead)|)",
    "(life|my life) (isnt|is not) worth living",
    # "everyone would be fine if i just wasnt here": the wish to be absent, said about others.
    "(everyone|everybody|they|theyd|my family|the world|people|my kids|my parents|my friends) (would |d |)(all |)be (fine|better|happier|okay|ok) "
    "(if i (just |)(wasnt|werent) (here|around|alive)|if i (was|were) gone|if i disappeared|once im gone)",
    "(want|wanna|wish) (my life|this life|life|it all|all of it) to (be over|end)",
    # Surviving regretted: "I wish I hadn't survived".
    "wish i (hadnt|had not|didnt|did not) (survive|survived|make it|made it|wake up|woken up|been saved|been found)",
    "(life|my life) (is|feels) (worthless|pointless|meaningless) (and|.) i (want|wish|need) it (to be over|to end|over|gone)",
    # Death as the way out.
    "(no|cant see a|dont see a|cant see any|dont see any|there is no|theres no|only|the only|no other) way out (except|but|other than|besides) "
    "(dying|death|suicide|killing myself|ending it|to die|ending my life)",
    "(death|dying|suicide|killing myself|ending it|ending my life) (is|seems|seems like|feels like|looks like) (the|my) only way out",
    "no (point|reason|sense) in (me |my |)(being alive|living|existing|staying alive|going on)",
    "(tired|sick) of (living|being alive|life)",
    # Spanish
    "(pienso|he pensado|estoy pensando|sigo pensando) en el suicidio",
    "(ich denke|denke|ich denke oft|ich denke standig) (an|uber) (selbstmord|suizid)",
    "(quiero|quisiera|deseo|tengo ganas de|ganas de|me gustaria|pienso en|he pensado en|estoy pensando en|pensando en|intente|trate de) "
    "(morir|morirme|matarme|suicidarme|quitarme la vida|desaparecer para siempre|acabar con mi vida|acabar con todo|terminar con mi vida|dejar de existir|no despertar|no despertar mas)",
    "me quiero (morir|matar|suicidar)",
    "(ya no|no) quiero (vivir|seguir viviendo|seguir aqui|estar aqui|existir|despertar|seguir con vida)",
    "(ojala|quisiera) (estar|estuviera) (muerto|muerta)",
    "ojala (no despertar|no despierte|me muera|me muriera|no haber nacido|nunca hubiera nacido)",
    "(todos|mi familia|el mundo|mis hijos|todo el mundo) (estarian|estaria|estaran|estara) mejor sin mi",
    "(estaria|estaria) mejor (muerto|muerta)",
    "no (tengo|hay|veo|encuentro) (razones|razon|motivos|motivo|sentido) para (vivir|seguir)",
    "(pensamientos|ideas) (suicidas|de suicidio)",
    "(soy|estoy|me siento|sigo) (suicida)",
    "(la vida|mi vida) no (tiene sentido|vale la pena)",
    # German
    "ich (will|mochte|wurde gerne|wurde am liebsten|moechte|will einfach|mochte einfach) "
    "(sterben|tot sein|nicht mehr leben|nicht mehr da sein|nicht mehr aufwachen|mich umbringen|verschwinden|nicht mehr existieren)",
    "(will|kann|mochte|moechte) nicht mehr leben",
    "(und |ich |)will (einfach |nur |)(sterben|tot sein)",
    "mich (heute nacht|heute|morgen|am wochenende|jetzt|bald|einfach) (umbringen|umzubringen)",
    "(mich umbringen|mich umzubringen|mir das leben nehmen|mir das leben zu nehmen|meinem leben ein ende setzen|selbstmord begehen|suizid begehen)",
    "(selbstmordgedanken|suizidgedanken|suizidale gedanken|bin suizidal|fuhle mich suizidal|suizidal)",
    "(alle|jeder|meine familie|die welt|alle anderen) (waren|ware|waere|waeren) besser (dran |)ohne mich",
    "(kein|keinen) (sinn|grund) (mehr |)(zu leben|weiterzuleben|im leben|zum leben)",
    "(ich wunschte|ich wuenschte|wunschte) ich (ware|waere|war) tot",
    # French
    "(je veux|jai envie de|envie de|je voudrais|jaimerais|je pense a|je pense|je songe a|jai pense a|jai essaye de) "
    "(mourir|me tuer|me suicider|en finir|crever|disparaitre pour toujours|mettre fin a mes jours|mettre fin a ma vie|ne plus me reveiller|ne plus exister)",
    "(je ne veux plus|je veux plus|jai plus envie de|je nai plus envie de) (vivre|exister|etre la|me reveiller)",
    "(je veux|jai envie|envie|je vais|besoin|jai besoin) (den finir|d en finir|en finir)",
    "(ils|tout le monde|ma famille|le monde|mes enfants) (seraient|serait|seront|sera) mieux sans moi",
    "(pensees|idees) (suicidaires|de suicide)",
    "(je suis|je me sens|suis) suicidaire",
    "(plus aucune|aucune|pas de|plus de) raison de vivre",
    "(je pense|jai pense|je pense souvent|je pense tout le temps|je pense beaucoup|je songe|je reve) (au suicide|a me suicider|a me tuer|a en finir)",
    # Portuguese
    "(quero|queria|penso em|estou pensando em|to pensando em|tenho vontade de|vontade de|tentei) "
    "(morrer|me matar|me suicidar|tirar minha vida|tirar a minha vida|tirar minha propria vida|acabar com a minha vida|acabar com minha vida|"
    "acabar com tudo|sumir pra sempre|sumir para sempre|desaparecer para sempre|nao acordar mais|nao acordar|deixar de existir)",
    "(nao quero|eu nao quero) mais (viver|existir|estar aqui|acordar)",
    "(penso|eu penso|pensei|to pensando|estou pensando|ando pensando|fico pensando) (em|no) (suicidio|me matar|me suicidar)",
    "(todos|minha familia|o mundo|todo mundo|meus filhos) (estariam|estaria|ficariam|ficaria) melhor sem mim",
    "(pensamentos|ideias) (suicidas|de suicidio)",
    "(estou|me sinto|to|ando) suicida",
    "(nao tenho|nao ha|nao vejo) (motivo|motivos|razao|sentido) (para|pra) (viver|continuar)",
)

SELF_INJURY = (
    "(want to|wanna|going to|gonna|urge to|urges to|need to|started|start|keep|kept|been|relapsed and|felt like|feel like) "
    "(cut|cutting|burn|burning|burned|hurt|hurting|harm|harming|punish|punishing|scratch|scratching|hit|hitting|starve|starving) myself",
    "(cut|burned|hurt|harmed) myself (again|last night|tonight|today|yesterday|this morning|on purpose|deep|deeper)",
    "(self harm|self harmed|self harming|self injure|self injured|sh) (again|tonight|last night|yesterday|this morning|today)",
    "(cut|cutting|cut myself|i cut) again",
    "(i|ive been|been|im|still|started|keep) (self harming|self harm|self harmed|self injuring)",
    "(relapsed|relapse|relapsing) (on|with|into|in) (self harm|cutting|sh|self injury)",
    "(urge|urges|craving|cravings|need) to (cut|self harm|sh|hurt myself|burn myself)",
    "(quiero|voy a|ganas de|necesito) (cortarme|hacerme dano|lastimarme|autolesionarme|herirme)",
    "me (corte|corto|he cortado|hice dano|lastime) (otra vez|de nuevo|anoche|hoy|ayer)",
    "me quiero (cortar|lastimar|hacer dano)",
    "ich (will|mochte|muss|werde) mich (ritzen|verletzen|schneiden)",
    "(hab|habe) mich (wieder|gestern|heute|schon wieder|gestern wieder|heute wieder|letzte nacht) (geritzt|verletzt|geschnitten)",
    "mich (wieder |gestern |heute |schon wieder |gestern wieder |heute wieder |letzte nacht |)geritzt",
    "(ritze|verletze) mich (wieder|immer noch|jeden tag)",
    "je (veux|vais|vais encore|ai envie de) me (scarifier|faire du mal|couper|mutiler)",
    "envie de me (scarifier|faire du mal|couper)",
    "je me suis (encore |)(scarifie|scarifiee|coupe|coupee|fait du mal) (hier|ce soir|encore|aujourdhui|cette nuit)",
    "(quero|vou|to com vontade de|vontade de) me (cortar|machucar|ferir|mutilar)",
    "me cortei (de novo|outra vez|ontem|hoje)",
)

GOODBYE = (
    "(this is|its) (my|the) (last|final) (message|post|goodbye|night)",
    "(goodbye|bye) (forever|world|cruel world|for good|for ever)",
    "(this is goodbye|final goodbye|last goodbye|my goodbye)",
    "(wont|will not) be alive (tomorrow|much longer|by morning|next week)",
    "(wont|will not) be here (much longer|anymore|by morning)",
    "by the time (you|anyone|someone) (read|reads) this",
    "(tell|please tell) my (mom|mum|dad|family|kids|sister|brother|wife|husband|parents|son|daughter) (i love|that i love|im sorry|i am sorry)",
    "(thank you|thanks) (all |everyone |guys |so much |)for everything(.|) (goodbye|bye|i love you all|goodbye everyone|bye everyone)",
    "(adios a todos|este es mi ultimo mensaje|esto es una despedida|esto es un adios)",
    "(lebt wohl|das ist mein abschied|dies ist meine letzte nachricht|das ist meine letzte nachricht)",
    "(adieu a tous|adieu tout le monde|cest mon dernier message|ceci est mon dernier message)",
    "(adeus a todos|essa e minha ultima mensagem|esta e minha ultima mensagem|essa e a minha ultima mensagem)",
)

_HIGH_PLACE_EN = (
    "(a |the |this |that |my |our |)(bridge|building|roof|rooftop|cliff|balcony|window|tower|overpass|"
    "parking garage|car park|top floor|tracks)"
)

# Warning signs: said by people close to ending their life, but also, more often, in ordinary talk
# (decluttering, moving, a grief exercise, health anxiety). One alone is only distress (a doubt that
# the strictest rooms hold for review); two together, or one with distress or another signal, ask a
# moderator to check in. The message stays visible: no time ("this weekend") makes them a plan.
WARNING = (
    "(it wasnt|it was not|its not|it is not|it isnt) (anyones|anybodys|anyone elses|your|their) fault",
    "(im going to|im gonna|going to|gonna|i will|ill) do it (tonight|tomorrow|this weekend)",
    "(it will|itll|it is going to|its going to|it might|it could) be (tonight|tomorrow|this weekend)",
    "(wishing|wish|hoping|hope|praying) (it|that) (would|will|could) (happen|come) (soon|sooner|already|)",
    "(gave|giving|give|given|started giving) away (my|all my) (things|stuff|belongings|pets|cat|dog|possessions)",
    "(gave|giving|give|given|started giving) (my|all my) (things|stuff|belongings|possessions) away",
    "(wont|will not|dont|do not) need (it|them|this|that|anything|any of it) where im going",
    "(something|things|anything) to remember me by",
    "(if|in case) im (gone|dead|not here|not alive) (by morning|by tomorrow|in the morning|tomorrow)",
    "(in case|if) i (dont|do not|never) wake up (tomorrow|in the morning|again)",
    "(letters|notes|a letter|a note) (to|for) (everyone|everybody|all the people|the people|all of you|those) (i love|i care about)",
    "(imagining|imagine|picturing|fantasizing about|fantasize about|dreaming about|daydreaming about) my (own |)funeral",
    # Wanting to be gone ("before the landlord comes"), planning how one would do it (an interview),
    # goodbye letters (to alcohol, in rehab; to colleagues) are as often ordinary as not.
    "(want to|wanna|wanted to|just want to|really want to|wish i could|wish i was|wish i were) (just |)be gone",
    "(planning|planned|been planning|plan) (how|when|where) (id|i would) do it",
    "(left|leaving|wrote|writing) (a letter|letters|a note|notes) for (each of |all of |)(my kids|my children|my family|my wife|my husband|my parents|everyone)",
    "(wrote|written|writing|left|finished|finishing) (my |a |the |)(goodbye|farewell|last) (note|letter|notes|letters)",
    "(goodbye letter|goodbye note)",
    # Feeling a burden ("everyone would be happier without me"): said in despair, but also of a
    # party, a team or a break-up, so a sign, not ideation ("better off without me" is ideation).
    "(everyone|everybody|my family|the world|people|my kids|my children|my parents|my friends|they|theyd) "
    "(would |d |will |)(honestly |really |probably |truly |all |just |)(be |)(happier|fine|okay|ok) without me",
)

_PILLS_EN = (
    "(pills|tablets|meds|medication|medications|sleeping pills|painkillers|paracetamol|tylenol|ibuprofen|"
    "antidepressants|insulin|xanax|oxy|oxycodone|codeine|lithium|sleeping tablets|prescription|benzos|opioids)"
)

METHOD = (
    # English
    "(take|taking|took|swallow|swallowing|swallowed|down|downing|overdose on|od on|have taken) "
    "(all|all of|every one of|the whole bottle of|the whole box of|the whole pack of|a whole bottle of|a whole box of|the rest of|"
    "a bottle of|a handful of|a fistful of|a box of|every last one of|everything in) (my |the |these |those |)<PILLS>",
    "(saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|stashing|stashed|counting|counted|been saving) "
    "(up |)(my |all my |the |enough |)<PILLS>",
    "enough <PILLS> (saved|stockpiled|to die|to end it|to kill myself|to overdose|to not wake up)",
    "(googling|searching|looking up|researching|reading about|looked up|googled|searched|search) "
    "(for |)(ways|how|methods|the best way|the easiest way) to (die|kill myself|end it|end my life|overdose|commit suicide)",
    "<PILLS> (are |)(saved up|ready|lined up|counted out|stockpiled|in front of me)",
    "(the |my |)(rope|noose|razor|razors|razor blade|razor blades|blade|blades|gun|pills|knife) (is |are |)(ready|waiting|prepared|in my hand|next to me)",
    "(swallow|take|down|swallowing|taking|downing) every (pill|tablet|last pill) (in the (house|cabinet|bottle|drawer)|i have|i own|i can find|)",
    "(hang|hanging|hung) myself",
    "(a |the |)noose",
    "(bought|got|have|tied|tying|found) (a|the) (rope|belt) (for|to)",
    "(i bought a rope|bought a rope today|i got a rope|ive got a rope|i have a rope ready)",
    "(gun|pistol|rifle|shotgun) (and |)(its |it is |is |)(loaded|ready)",
    "(jump|jumping|throw myself|throwing myself|leap|leaping|jump myself) (off|from|of) <HIGH_PLACE>",
    "(jump|jumping|throw myself|throwing myself|leap|leaping|jump myself) (in front of|under) "
    "(a |the |this |that |)(train|car|bus|truck|lorry|tram|traffic)",
    "(jump|jumping|throw myself|throwing myself|leap|leaping|jump myself) (onto|on|in front of) (the |)(tracks|motorway|highway)",
    "(step|walk|walking|stepping|lie down|lay down) (in front of|into|on) (a |the |)(train|bus|traffic|truck|car|tracks)",
    "(slit|slitting|cut|cutting|slash|slashing|open|opening) (my |open my )(wrists|wrist|throat|veins)",
    "(shoot|shooting) myself",
    "gun (to|against|in) my (head|mouth)",
    "(my|dads|a|the|my dads) gun (is |)(loaded|ready)",
    "(buy|bought|get|got|getting|buying) a gun (to|so i can|and end)",
    "(drown|drowning|gas|gassing|poison|poisoning|starve) myself",
    "carbon monoxide",
    "(crash|drive|driving) my car (into|off) (a |the |)(wall|tree|bridge|cliff|river|lake|traffic)",
    "(drink|drinking) (bleach|antifreeze)",
    "(lethal|fatal|deadly) dose",
    "how (many|much) (of |)(my |the |these |those |)<PILLS> (it would take|it takes|it will take|would it take) "
    "(to die|to kill me|to kill myself|to overdose|to od|to end it|to not wake up|to be fatal|to be lethal)",
    "how (many|much) (pills|tablets|paracetamol|tylenol|ibuprofen|of these|of my meds|insulin|xanax|sleeping pills|meds|medication) "
    "(would it take|does it take|would kill|will kill|to die|to kill myself|until i die|to overdose|to od|is lethal|is fatal|would be lethal|would be fatal)",
    "(painless|quickest|easiest|fastest|best|surest|quietest|least painful|most painless) (way|ways|method|methods) (to|of) "
    "(die|dying|go|end it|kill myself|end my life|commit suicide|killing myself|suicide)",
    "(how to|how do i|how can i|how could i|ways to|best way to) (kill myself|end my life|commit suicide|die painlessly|hang myself|overdose|od)",
    "(i have|ive got|i got|got|i made|ive made|made) (a|the|my) plan (to|for|and)",
    "(i have a plan|i have a plan now|ive planned it|i have it planned|i have everything planned|everything is planned|its all planned)",
    "(suicide note|suicide letter|suicide notes|suicide letters)",
    "(take|taking|swallow|swallowing|down|downing|took|swallowed) (everything|all the pills|all the meds|all the tablets|every pill) "
    "(in|from) (the|my) (medicine cabinet|medicine drawer|medicine box|pill box|pill bottle)",
    "(going to|gonna|want to|will|planning to|plan to|about to|ready to|decided to|i will) (overdose|od)",
    "(overdose|od) (tonight|today|tomorrow|now|this weekend)",
    "(already |)(took|taken|swallowed) (all|all of|the whole bottle of|the whole box of) (my |the |)<PILLS>",
    # Spanish
    "(tomarme|tomar|me tome|me voy a tomar|tragarme|tragar|me trague) (todas|todas mis|toda la caja de|todo el bote de|el bote de|la caja de) "
    "(las |mis |)(pastillas|pildoras|medicinas|medicamentos|pastis)",
    "(tengo|he guardado|guarde|estoy juntando|junte) (las |unas |mis |)(pastillas|pildoras|medicamentos) (guardadas|listas|juntadas|para)",
    "(tirarme|lanzarme|aventarme|me voy a tirar|me tiro|arrojarme) (del|de un|desde el|desde un|por la|al|a las|a la|delante del|delante de un) "
    "(puente|edificio|balcon|ventana|azotea|tren|vias|metro|techo|acantilado|coche|camion)",
    "(ahorcarme|colgarme|me voy a ahorcar|me voy a colgar)",
    "(cortarme|me voy a cortar|abrirme) las venas",
    "(tomar|tomarme|hacerme|voy a tomar|me voy a tomar) (una |)sobredosis",
    "(dosis letal|dosis mortal)",
    "(carta|nota) de (despedida|suicidio)",
    "como (matarme|suicidarme|quitarme la vida)",
    "(cuantas|cuantos) (pastillas|pildoras|medicamentos) (hacen falta|se necesitan|necesito|harian falta) para (morir|matarme)",
    "(tengo un plan|ya tengo un plan|ya lo tengo planeado|tengo todo planeado)",
    # German
    "(alle|all meine|die ganzen|meine ganzen) (tabletten|pillen|medikamente) (nehmen|schlucken|gesammelt|gehortet|genommen|geschluckt)",
    "(tabletten|pillen|medikamente) (schon |bereits |alle |schon alle |)(gesammelt|gehortet|gebunkert)",
    "(von der|vom|von einer|von einem) (brucke|dach|hochhaus|balkon|turm|klippe) (springen|zu springen|stürzen)",
    "vor (den|einen) (zug|lkw|bus) (springen|werfen|legen|zu springen)",
    "mich (erhangen|aufhangen|aufhaengen|erhaengen|vor den zug werfen|vergiften|erschiessen)",
    "(pulsadern|die pulsadern|meine pulsadern) (aufschneiden|aufzuschneiden)",
    "(todliche|toedliche|letale) dosis",
    "(eine |)uberdosis (nehmen|zu nehmen)",
    "(wie viele|wieviele) tabletten (braucht man|sind todlich|bis man stirbt|um zu sterben)",
    "(ich habe einen plan|ich hab einen plan|abschiedsbrief|abschiedsbriefe)",
    # French
    "(avaler|prendre|jai pris|jai avale|je vais avaler|je vais prendre) (tous|toutes|toute la boite de) (mes|les|) "
    "(medicaments|cachets|comprimes|pilules|somniferes)",
    "jai (garde|stocke|accumule|mis de cote|rassemble) (tous |toutes |)(mes |des |les |assez de |)(medicaments|cachets|comprimes|somniferes)",
    "(sauter|me jeter|je vais sauter|je vais me jeter) (du|dun|depuis le|par la|sous le|sous un|du haut du|du haut dun|dune) "
    "(pont|immeuble|toit|fenetre|train|balcon|metro|falaise|voiture)",
    "me (pendre|jeter sous un train|jeter sous le train)",
    "(mouvrir|me taillader|me couper) les (veines|poignets)",
    "(dose mortelle|dose letale)",
    "(faire une|une) (surdose|overdose)",
    "lettre dadieu",
    "combien de (cachets|comprimes|medicaments|pilules) (pour|faut il pour) (mourir|en finir)",
    "(jai un plan|jai tout prevu|tout est prevu)",
    # Portuguese
    "(tomar|vou tomar|tomei|engolir|engoli) (todos os|todos|todas as|a caixa de|o frasco de) (meus |minhas |)(remedios|comprimidos|medicamentos|pilulas)",
    "(guardei|juntei|estou juntando|to juntando|tenho) (os |meus |varios |)(remedios|comprimidos) (guardados|juntos|para)",
    "(pular|me jogar|vou pular|vou me jogar) (da|de uma|do|de um|na frente do|na frente de um|no|na frente de) "
    "(ponte|predio|janela|telhado|trem|metro|viaduto|onibus|carro|caminhao)",
    "me (enforcar|envenenar)",
    "(cortar|vou cortar) (os |meus )pulsos",
    "(dose letal|dose fatal|tomar uma overdose)",
    "quantos (comprimidos|remedios) (para|pra|precisa pra|precisa para) morrer",
    "(tenho um plano|ja tenho um plano|ja planejei tudo)",
)

TIME_STRONG = (
    "(tonight|tomorrow|tmrw|this weekend|this evening|tomorrow night|tomorrow morning|later tonight|after midnight|at midnight|before morning)",
    "(on|this|next) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    "at (1|2|3|4|5|6|7|8|9|10|11|12)(am|pm| am| pm| oclock|)",
    "in (an|one|a few|two|three|a couple of|1|2|3) (hour|hours|minutes)",
    "(after|when|once) (everyone|everybody|my parents|my wife|my husband|my family|they|the house|my partner|my roommate) "
    "(goes|go|is|are|falls|fall|has gone|have gone|leaves|leave|gets|get) (to bed|asleep|to sleep|out|home)",
    "(before|on) (christmas|my birthday|new year|new years)",
    "(esta noche|manana|este fin de semana|esta tarde|a medianoche|el lunes|el martes|el miercoles|el jueves|el viernes|el sabado|el domingo)",
    "a las (1|2|3|4|5|6|7|8|9|10|11|12)",
    "(heute nacht|heute abend|morgen|am wochenende|diese nacht|um mitternacht)",
    "um (1|2|3|4|5|6|7|8|9|10|11|12) uhr",
    "(ce soir|cette nuit|demain|ce week end|ce weekend|a minuit)",
    "(hoje a noite|hoje de noite|esta noite|essa noite|amanha|este fim de semana|nesse fim de semana|a meia noite)",
)

TIME_WEAK = (
    "(today|soon|now|right now|this week|finally|very soon|hoy|pronto|ahora|heute|bald|jetzt|aujourdhui|bientot|maintenant|hoje|logo|agora)",
)

RECOVERY = (
    "(used to|use to|i used to|back when|back then|in the past|years ago|a year ago|months ago|last year|as a teen|as a teenager|"
    "in my teens|in high school|when i was (younger|a teen|a teenager|in school|at school|at uni|in college|a kid|15|16|17|14|13|in high school))",
    "<NUM> (days|weeks|months|years|yrs|day|week|month|year) (clean|free|sober|without|since|self harm free|sh free)",
    "(clean|free|sober) (for|since) <NUM>",
    "(havent|have not|hasnt|didnt|did not|not) (cut|self harmed|self harm|hurt myself|harmed myself|relapsed|had (those|these|any) thoughts)",
    "(no longer|not anymore|survived|survivor|survivors|recovery|recovered|recovering|in recovery|got help|getting help|therapy helped|"
    "im safe|i am safe|im ok now|im okay now|doing better|much better now|feel better now|better now|grateful to be alive|glad i survived|glad im alive|"
    "glad i didnt|glad to be alive|still here|glad i stayed|glad i stuck around|glad i held on|glad im still here)",
    "(solia|solia hacerlo|hace (mucho|anos|meses|tiempo)|cuando era (joven|adolescente|nina|nino|mas joven|chica|chico)|en el pasado|antes me|estoy mejor|llevo|"
    "ya no me (corto|lastimo|hago dano)|sin cortarme|me recupere|sobrevivi)",
    "(hace|llevo) <NUM> (anos|meses|dias|semanas)",
    "(fruher|vor (vielen |)jahren|als ich jung war|als teenager|in der schule|seit (jahren|monaten)|nicht mehr geritzt|mir geht es besser|geht es mir besser|uberlebt)",
    "(seit|vor) <NUM> (jahren|monaten|tagen|wochen)",
    "(avant je|javais lhabitude|il y a (longtemps|des annees)|quand jetais (ado|adolescent|adolescente|jeune|plus jeune|petit|petite)|"
    "dans le passe|je ne me scarifie plus|ca va mieux|je vais mieux|jai survecu|depuis (des annees|des mois))",
    "(il y a|depuis) <NUM> (ans|mois|jours|semaines)",
    "(costumava|eu costumava|no passado|quando eu era (adolescente|jovem|mais novo|mais nova|crianca)|nao me corto mais|antes eu|"
    "estou melhor|to melhor|sobrevivi|ha (muito tempo|anos))",
    "(ha|faz) <NUM> (anos|meses|dias|semanas)",
    "<NUM> (anos|meses|dias|semanas) (limpo|limpa|sem)",
)

CURRENT = (
    "(again|right now|tonight|last night|this morning|earlier today|today|yesterday|the other day|last week|relapsed|relapse|still|anymore|any more|otra vez|de nuevo|"
    "todavia|wieder|schon wieder|immer noch|encore|toujours|de novo|outra vez|ainda|lately|these days|recently)",
)

CONTRAST = (
    "(but|but now|and now|pero|pero ahora|y ahora|ahora|aber|aber jetzt|und jetzt|jetzt|mais|mais maintenant|maintenant|mas agora|e agora|agora|mas)",
)

DISTRESS = (
    "(cant|cannot|can not|dont think i can) (go on|keep going|do this|take it|take this|handle this|cope) (anymore|any more|any longer|much longer)",
    "(life|my life) (is|feels) (worthless|pointless|meaningless)",
    "(i give up|giving up on everything|give up on life|nothing matters anymore|i feel so hopeless|i am hopeless|im hopeless)",
    "(ya no puedo mas|no puedo mas|ich kann nicht mehr|je nen peux plus|je peux plus|nao aguento mais|eu nao aguento mais)",
)

_MACROS = {
    "HIGH_PLACE": (_HIGH_PLACE_EN,),
    "KILL": (_KILL_EN,),
    "PILLS": (_PILLS_EN,),
    "I_WANT": (_I_WANT_EN,),
    "INTENT": (_INTENT_EN,),
    "NUM": (_NUM,),
}
# Compositional ideation: a wish or intent followed closely by a death or self-harm term, in one
# clause, with no negation or other person in between ("I'm so close to ending it", "und will
# sterben"). This catches phrasings the fixed lists above do not spell out.
DESIRE = (
    "(want|wanna|wanted|wanting|ready|wish|wishing|hope|hoping|tempted|decided|close|so close|urge|urges|need|longing|"
    "thinking about|thinking of|thought about|considering|planning|plan|trying|tried|keep thinking about|fantasize about|"
    "fantasizing about|dream of|dreaming of)",
    "(quiero|quisiera|queria|deseo|ganas de|pienso en|pensando en|necesito|prefiero|he decidido|intente)",
    "(will|mochte|moechte|wunsche|wuensche|wunschte|sehne mich|habe beschlossen|denke daran|denke uber)",
    "(veux|voudrais|voulais|envie|envie de|pense a|besoin de|jai decide de|jai envie de|jai essaye de)",
    "(quero|queria|vontade de|penso em|pensando em|preciso|decidi|tentei)",
)
INTENT = (
    "(going to|gonna|will|ill|i will|im going to|im gonna|voy a|me voy a|vou|eu vou|je vais|werde|ich werde)",
)
CORE_DEATH = (
    "(die|dying|be dead|not be alive|not exist|stop existing|not wake up|never wake up|sleep forever|disappear forever|"
    "being alive|be alive)",
    "(morir|morirme|estar muerto|estar muerta|no despertar|no despertar nunca|no despertar mas|dejar de existir|desaparecer para siempre)",
    "(sterben|tot sein|nicht mehr aufwachen|nicht mehr leben|nicht mehr da sein)",
    "(mourir|crever|ne plus me reveiller|ne plus exister|disparaitre pour toujours)",
    "(morrer|nao acordar|nao acordar nunca mais|nao acordar mais|sumir para sempre|sumir pra sempre|deixar de existir)",
)
CORE_ACTIVE = (
    "(kill myself|kms|end it|end it all|end things|end everything|end my life|ending it|ending it all|ending things|"
    "ending my life|take my life|take my own life|taking my life|commit suicide|suicide|unalive myself|off myself|hurt myself|cut myself)",
    "(matarme|suicidarme|quitarme la vida|acabar con mi vida|acabar con todo|hacerme dano|cortarme)",
    "(mich umbringen|mich umzubringen|mir das leben nehmen|mich toten|mich ritzen|mich verletzen|es beenden)",
    "(me tuer|me suicider|en finir|den finir|mettre fin a mes jours|me faire du mal|me scarifier)",
    "(me matar|me suicidar|tirar minha vida|tirar a minha vida|acabar com tudo|acabar com a minha vida|me cortar|me machucar)",
)
# Jumping composes into ideation only when the message names a high place: "thinking about jumping"
# with "the bridge" anywhere in it, not "thinking about jumping into the lake".
CORE_JUMP = (
    "(jump|jumping|throw myself|throwing myself)",
    "(tirarme|lanzarme|aventarme)",
    "(runterspringen|mich sturzen|mich runtersturzen)",
    "(me jeter)",
    "(me jogar|me atirar)",
)
_HIGH_PLACES = frozenset(squeeze(fold(place)[0]) for place in (
    "bridge roof rooftop cliff balcony ledge tracks overpass "
    "puente azotea balcón acantilado vías "
    "brücke dach balkon klippe hochhaus gleise "
    "pont toit falaise balcon "
    "ponte telhado viaduto penhasco"
).split())
# The word set of a message holds only words some stage asks about (see moderation.word_index).
INDEX.add_lookups(_HIGH_PLACES)
_BETWEEN_BLOCKERS = frozenset(
    "not dont never no nao nicht nie pas ne nunca jamais kein keine him her them you he she they it my his their "
    "didnt hadnt wont wouldnt isnt who".split()
)
_PARTS = PhraseMatcher(
    {"core_active": CORE_ACTIVE, "core_death": CORE_DEATH, "core_jump": CORE_JUMP, "intent": INTENT, "desire": DESIRE}
)
_WINDOW = 4

_FIGURATIVE = PhraseMatcher({"figurative": FIGURATIVE}, {"FIG_SUBJECT": (_FIG_SUBJECT,)})
_SIGNALS = PhraseMatcher(
    {
        "method": METHOD,
        "goodbye": GOODBYE,
        "ideation_intent": IDEATION_INTENT,
        "ideation": IDEATION,
        "self_injury": SELF_INJURY,
        "warning": WARNING,
        "distress": DISTRESS,
    },
    _MACROS,
)
# Markers are looked for only once a signal is found; they may overlap signals.
_MARKERS = PhraseMatcher(
    {"safe": SAFE, "recovery": RECOVERY, "current": CURRENT, "contrast": CONTRAST},
    _MACROS,
)
# Times are matched on their own, so a time inside a signal phrase ("mich heute Nacht umbringen") counts.
_TIMES = PhraseMatcher({"time_strong": TIME_STRONG, "time_weak": TIME_WEAK})
_SIGNAL_LABELS = {"method", "goodbye", "ideation_intent", "ideation", "self_injury", "warning"}
# A time makes a plan of these; a method holds anyway, and a warning sign with a time is still only a sign.
_PLANNABLE = frozenset({"goodbye", "ideation_intent", "ideation", "self_injury"})
# Only these labels can change a verdict; markers such as "but" or "today" matter only beside them.
_SIGNAL_GATE = _SIGNALS.gate(*_SIGNAL_LABELS, "distress")
_FIGURATIVE_GATE = _FIGURATIVE.gate("figurative")
_PARTS_GATE = _PARTS.gate("core_active", "core_death", "core_jump")
_JUMP_GATE = _PARTS.gate("core_jump")
_MARKERS_GATE = _MARKERS.gate("safe", "recovery", "current", "contrast")
_TIMES_GATE = _TIMES.gate("time_strong", "time_weak")
_REASON = {
    "method": "self_harm_method",
    "goodbye": "self_harm_goodbye",
    "warning": "self_harm_warning_sign",
    "ideation_intent": "self_harm_ideation",
    "ideation": "self_harm_ideation",
    "self_injury": "self_harm_self_injury",
}
_NONE = CrisisFinding()
_IDEATION_LABELS = frozenset({"ideation", "ideation_intent"})
_SENTENCE_MARK = re.compile(r"\.")
# How a signal told in the past begins (squeezed forms: "wanted" is "wanted", "felt" is "felt").
_PAST_STARTS = ("wanted ", "wantd ", "thought ", "felt ", "tried ", "atempted ", "was ", "were ")
# Recovery markers that say how one is now, which a "but" turns toward ("but I'm glad I stayed");
# not those that only name recovery ("but getting help never worked", "but I survived").
_DOING_WELL = (
    "glad ", "grateful ", "im safe", "i am safe", "im ok", "im okay", "doing beter", "much beter", "fel beter",
    "beter now", "therapy helped",
)


def assess(message: Normalized) -> CrisisFinding:
    """Judge one normalized message for crisis signals."""
    if not _SIGNAL_GATE.admits(message) and not (_JUMP_GATE.admits(message) and _high_place(message)):
        return _NONE
    glued = message.glued
    text = message.squeezed
    words: WordsOf = message
    if _FIGURATIVE_GATE.admits(message):
        figures = _FIGURATIVE.find(text, glued)
        if figures:
            for hit in reversed(figures):
                # Blank the figure of speech out; "#" is no word character, so nothing matches across it.
                text = text[: hit.start] + "#" * (hit.end - hit.start) + text[hit.end :]
            if not glued:
                # The gates now answer for what is left ("dying" of "dying to see it" is gone).
                words = _Remaining(text)
                if not _SIGNAL_GATE.admits(words) and not _PARTS_GATE.admits(words):
                    return _NONE
    listed = _SIGNALS.find(text, glued)
    composable = _PARTS_GATE.admits(words)
    if not listed and not composable:
        return _NONE
    distress = any(h.label == "distress" for h in listed)
    context = _Context(text, glued, words)
    kept = context.kept([h for h in listed if h.label in _SIGNAL_LABELS])
    labels = {h.label for h in kept}
    # A wish or intent followed by a death word adds only the label "ideation", so it can change
    # the verdict only when no ideation was found yet; most crisis messages spell one out.
    if composable and labels.isdisjoint(_IDEATION_LABELS):
        composed = [
            c for c in _composed(text, glued, _high_place(words))
            if not any(h.start < c.end and c.start < h.end for h in listed)
        ]
        if composed:
            labels.update(h.label for h in context.kept(composed))
    if labels == {"warning"} and not distress and sum(h.label == "warning" for h in kept) < 2:
        # One warning sign alone: a doubt, not an alert (see WARNING).
        return CrisisFinding(distress=True)
    if not labels:
        return CrisisFinding(distress=distress) if distress else _NONE
    reasons = {_REASON[label] for label in labels}
    if not labels.isdisjoint(_PLANNABLE) and context.plan("ideation_intent" in labels):
        reasons.add("self_harm_plan")
        risk = Risk.METHOD
    else:
        risk = Risk.METHOD if "method" in labels else Risk.IDEATION
    return CrisisFinding(risk=risk, reasons=tuple(sorted(reasons)), distress=distress)


class _Remaining:
    """The words of a text with figures of speech blanked out, as the gates see a message."""

    __slots__ = ("gate_words", "mask")

    def __init__(self, text: str) -> None:
        self.gate_words, self.mask = INDEX.words_and_mask(text)


class _Context:
    """The markers and times around a message's signals, found only when a verdict needs them."""

    __slots__ = ("_text", "_glued", "_message", "_markers", "_sentence_ends")

    def __init__(self, text: str, glued: bool, message: WordsOf) -> None:
        self._text, self._glued, self._message = text, glued, message
        self._markers: list[Hit] | None = None
        self._sentence_ends: list[int] = []

    def markers(self) -> list[Hit]:
        """The safe, recovery, current and contrast phrases of the text (looked for once)."""
        if self._markers is None:
            found = _MARKERS.find(self._text, self._glued) if _MARKERS_GATE.admits(self._message) else []
            if found:
                self._sentence_ends = [m.start() for m in _SENTENCE_MARK.finditer(self._text)]
            self._markers = found
        return self._markers

    def kept(self, signals: list[Hit]) -> list[Hit]:
        """The signals no safe phrase or recovery marker cancels."""
        if not signals:
            return signals
        markers = self.markers()
        if not markers:
            return signals
        return [h for h in signals if not _cancelled(h, markers, self._sentence_ends, self._text)]

    def plan(self, intent: bool) -> bool:
        """Is a time named (or, for a stated intent, "now", "again", "soon")?"""
        marker_labels = {h.label for h in self.markers()}
        if intent and "current" in marker_labels:
            return True
        if not _TIMES_GATE.admits(self._message):
            return False
        times = {h.label for h in _TIMES.find(self._text, self._glued)}
        return "time_strong" in times or (intent and "time_weak" in times)


def _high_place(message: WordsOf) -> bool:
    """Does the message name a high place (a bridge, a roof, a balcony...)?"""
    return not _HIGH_PLACES.isdisjoint(message.gate_words)


def _composed(text: str, glued: bool, high_place: bool = False) -> list[Hit]:
    """Ideation from a wish or intent closely followed by a death or self-harm term, or by jumping
    when the message names a high place."""
    parts = _PARTS.find(text, glued)
    found = []
    for i, first in enumerate(parts):
        if first.label not in ("desire", "intent"):
            continue
        for second in parts[i + 1 :]:
            gap = text[first.end : second.start]
            if gap.count(" ") > _WINDOW or "." in gap or "#" in gap:
                break
            if (
                second.label == "core_active"
                or (second.label == "core_death" and first.label == "desire")
                or (second.label == "core_jump" and high_place)
            ):
                if _BETWEEN_BLOCKERS.isdisjoint(gap.split()) and not _negated(text, first.start):
                    found.append(Hit("ideation", first.start, second.end))
                break
            if second.label == "core_death":
                break
    return found


def _negated(text: str, start: int) -> bool:
    """Is the word just before `start` a negation ("don't want to die", "no quiero morir")?"""
    before = text[max(0, start - 12) : start].split()
    return bool(before) and before[-1] in _BETWEEN_BLOCKERS and before[-1] not in ("it", "my", "you")


def _cancelled(signal: Hit, markers: list[Hit], sentence_ends: list[int], text: str) -> bool:
    """Is a signal negated (inside a safe phrase such as "I don't want to die"), or cancelled by a
    recovery marker in its sentence with no contrast word or "current" marker to revive it?

    A contrast word revives a signal after it ("I used to cut, but last night I did"). After a
    signal told in the past, followed by how one is now, it turns the other way, toward recovery
    ("I wanted to die too, but I'm glad I stayed"), so there it revives nothing."""
    if any(m.label == "safe" and m.start <= signal.start and m.end >= signal.end for m in markers):
        return True
    sentence = bisect_left(sentence_ends, signal.start)
    same = [
        m for m in markers
        if bisect_left(sentence_ends, m.start) == sentence and (m.end <= signal.start or m.start >= signal.end)
    ]
    if any(h.label == "current" for h in same):
        return False
    for marker in same:
        if marker.label != "recovery":
            continue
        if marker.start > signal.start and text.startswith(_PAST_STARTS, signal.start) and text.startswith(
            _DOING_WELL, marker.start
        ):
            return True
        low, high = (marker.end, signal.start) if marker.start < signal.start else (signal.end, marker.start)
        if not any(h.label == "contrast" and low <= h.start < high for h in same):
            return True
    return False

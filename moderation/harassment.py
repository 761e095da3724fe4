"""Harassment and profanity: insults aimed at someone, threats, slurs, and swearing aimed at no one.

Matching is by whole words of the folded text, so "Scunthorpe", "assassin", "cocktail" and
"shiitake" never match. An insult counts as harassment only when it is aimed: a second-person word
("you", "tu", "du", "você", an @mention) or a group noun sits shortly before it, with no negation
("you're not stupid") and no change of subject ("your ex is an idiot") in between. Insults aimed at
no one ("I feel like such an idiot", "this app is stupid") are only *doubtful*. Threats, telling
someone to kill themselves, and slurs are harassment wherever they appear.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from moderation.lexicon import PhraseMatcher, word_set
from moderation.normalize import Normalized, squeeze
from moderation.word_index import INDEX, TEXTSCAN


class HarassmentFinding(NamedTuple):
    """What the stage found. `reasons` are stable codes; `doubtful` holds codes for level 4 only."""

    harassment: tuple[str, ...] = ()
    profanity: bool = False
    doubtful: tuple[str, ...] = ()


INSULTS = word_set((
    # English
    "idiot", "idiots", "stupid", "dumb", "dumbass", "dumbasses", "moron", "morons", "imbecile", "loser", "losers",
    "pathetic", "worthless", "useless", "freak", "freaks", "weirdo", "creep", "ugly", "fat", "fatass", "disgusting",
    "trash", "garbage", "scum", "scumbag", "pig", "pigs", "clown", "retard", "retards", "retarded", "psycho", "failure",
    "coward", "jerk", "fool", "sicko", "parasite", "parasites", "vermin", "subhuman", "faker", "bitch", "bitches",
    "asshole", "assholes", "arsehole", "cunt", "cunts", "dick", "dickhead", "prick", "twat", "wanker", "tosser",
    "bastard", "slut", "sluts", "whore", "whores", "snowflake", "degenerate", "nutjob", "nutcase", "lunatic",
    "junkie", "junkies", "crackhead", "cow", "hag", "skank", "douchebag", "douche", "jackass", "shithead", "fuckface",
    # Spanish
    "idiota", "idiotas", "estupido", "estupida", "imbecil", "pendejo", "pendeja", "gilipollas", "inutil", "tonto",
    "tonta", "perdedor", "perdedora", "asqueroso", "asquerosa", "cerdo", "cerda", "zorra", "cabron", "cabrona",
    "payaso", "subnormal", "retrasado", "retrasada", "mongolo", "cobarde", "gorda", "fea", "feo", "escoria", "puta",
    # German
    "vollidiot", "dumm", "blod", "doof", "depp", "trottel", "arschloch", "versager", "wichser", "hurensohn",
    "schlampe", "hure", "missgeburt", "spast", "penner", "abschaum", "hasslich", "fotze", "bastard",
    # French
    "idiote", "stupide", "conne", "connard", "connasse", "abruti", "abrutie", "debile", "cretin", "cretine",
    "minable", "pathetique", "salope", "pute", "encule", "batard", "moche", "ordure", "dechet", "pouffiasse",
    # Portuguese
    "burro", "burra", "otario", "otaria", "babaca", "lixo", "nojento", "nojenta", "vagabundo", "vagabunda", "vadia",
    "corno", "arrombado", "arrombada", "retardado", "retardada", "fracassado", "fracassada", "palhaco", "covarde",
    "imprestavel", "escroto", "escrota", "ass", "asses",
))


PROFANITY = word_set((
    "fuck", "fucking", "fucked", "fucker", "fuckers", "fucks", "fuckin", "fck", "fuk", "fking", "fkn", "fcking",
    "motherfucker", "motherfuckers", "motherfucking", "wtf", "stfu", "shit", "shitty", "shits", "shitting",
    "bullshit", "horseshit", "shitshow", "dipshit", "crap", "crappy", "damn", "goddamn", "goddamnit", "dammit",
    "damnit", "arse", "asshole", "arsehole", "bitch", "bitches", "bitching", "bastard", "bollocks", "piss",
    "pissed", "pissing", "cunt", "dick", "dickhead", "cock", "cocksucker", "prick", "twat", "wanker", "tosser",
    "jfc", "omfg", "shithead", "fuckface", "bugger",
    "mierda", "joder", "jodido", "jodida", "jodete", "puta", "puto", "putada", "cono", "carajo", "cabron",
    "chingar", "chingada", "chingado", "pendejo", "hostia", "hostias", "gilipollas", "verga", "cojones", "concha",
    "scheisse", "scheiss", "scheisskerl", "verdammt", "verdammte", "kacke", "arsch", "arschloch", "fick",
    "ficken", "verfickt", "verfickte", "fotze", "wichser", "hurensohn", "scheissegal",
    "putain", "merde", "bordel", "chier", "connard", "connasse", "salope", "encule", "enculer", "foutre", "nique",
    "niquer", "couilles", "ptn",
    "porra", "merda", "caralho", "foda", "foder", "fodase", "cacete", "ass", "asses", "buceta", "piroca", "vsf", "pqp", "fdp",
))
# Any word containing one of these is profane ("clusterfuck", "fuckwit"); none occurs inside a clean word.
PROFANE_INFIXES = ("fuck", "motherf", "scheis")

SLURS = word_set((
    "faggot", "faggots", "fag", "fags", "tranny", "trannies", "spic", "spics", "chink", "chinks", "kike", "kikes",
    "wetback", "wetbacks", "gook", "gooks", "raghead", "ragheads", "towelhead", "towelheads", "paki", "pakis",
    "coon", "coons", "beaner", "beaners", "shemale", "maricon", "maricones", "sudaca", "sudacas", "marica",
    "schwuchtel", "kanake", "kanaken", "tarlouze", "bougnoule", "youpin", "viado", "viados", "sapatao", "bicha",
    "nigger", "niggers", "nigga", "niggas",
))

SECOND_PERSON = word_set((
    "you", "u", "ya", "yall", "your", "youre", "ur", "yours", "yourself", "yourselves", "thou",
    "tu", "eres", "te", "usted", "ustedes", "sos", "vos", "tus",
    "du", "dich", "dir", "dein", "deine", "bist", "euch",
    "toi", "tes", "vous", "tas",
    "voce", "vc", "voces", "vcs", "seu", "sua",
))
GROUPS = word_set((
    "women", "men", "gays", "lesbians", "muslims", "jews", "christians", "immigrants", "refugees", "blacks",
    "whites", "asians", "mexicans", "trans", "addicts", "alcoholics", "autistics", "feminists", "girls", "boys",
    "mujeres", "hombres", "inmigrantes", "junkies", "druggies", "alcoholics", "frauen", "manner", "auslander", "juden", "femmes", "hommes", "immigres",
    "mulheres", "homens", "imigrantes",
))
# Words that end the reach of a "you" before an insult: a new subject, a possessive, a copula of
# someone else, or a negation (supportive talk: "you're not stupid").
BREAKS = word_set((
    "my", "his", "her", "their", "our", "he", "she", "they", "it", "that", "this", "these", "those", "is", "was",
    "i", "im", "me", "myself", "him", "them", "not", "no", "never", "dont", "isnt", "arent", "aint", "doesnt",
    "wasnt", "nobody", "if", "because", "who",
    "mi", "su", "el", "ella", "ellos", "yo", "nunca", "nadie", "mein", "meine", "sein", "seine", "er", "sie",
    "ist", "ich", "nicht", "kein", "keine", "nie", "mon", "ma", "son", "sa", "il", "elle", "ils", "je", "pas",
    "jamais", "meu", "minha", "ele", "ela", "eu", "nao", "nem",
))
NEGATIONS = word_set((
    "not", "no", "never", "dont", "isnt", "arent", "aint", "doesnt", "wasnt", "nobody", "nunca", "nadie", "nicht",
    "kein", "keine", "nie", "pas", "jamais", "nao", "nem", "stop", "quit",
))

THREATS = (
    "(i will|ill|im going to|im gonna|i am going to|gonna|going to|i want to|i wanna|i could|id|i would|im coming to) "
    "(kill|hurt|find|beat|stab|shoot|rape|murder|end|beat up|destroy) (you|u|ya|your family)",
    "(kill|kil) (yourself|urself|yourselves|your self|ur self)",
    "(kys|kysfs)",
    "(go|just go|why dont you|why not) (die|kill yourself|hang yourself|jump off a bridge|off yourself|drink bleach|rot)",
    "(hope|hoping|wish|i hope|i wish) (you|u) (die|died|get cancer|rot|suffer|kill yourself|were dead|was dead|get hit|burn)",
    "you (should|ought to|need to|deserve to) (just |)(die|kill yourself|be dead|hang yourself|off yourself|suffer|be shot|rot)",
    "(nobody|no one|noone) would (miss|care about) you",
    "(world|everyone) would be better (off |)without you",
    "do (everyone|us all|the world) a (favor|favour) and (die|kill yourself|disappear|leave)",
    "<GROUPS> (should|deserve to|need to|must) (die|be killed|be shot|burn|be gassed|be exterminated|hang)",
    "(matate|suicidate|muerete|ojala te mueras|ojala te murieras|vete a morir|te voy a matar|te mato|ahorcate)",
    "(bring dich um|bringt euch um|bring dich doch um|stirb doch|stirb einfach|verreck|verreck doch|ich bring dich um|"
    "ich bringe dich um|geh sterben|hoffentlich stirbst du|hang dich auf)",
    "(tue toi|va te tuer|va mourir|va crever|je vais te tuer|jespere que tu vas mourir|jespere que tu crèves|suicide toi|pends toi)",
    "(se mata|vai se matar|morre logo|vou te matar|espero que (voce|vc|tu) morra|se enforca|se joga da ponte)",
)

TARGETED = (
    "(fuck|fuk|fck|screw|frick|f) (you|u|ya|off|yourself|urself|your mother|your mom)",
    "(shut up|shut the fuck up|shut your mouth|shut your face|stfu|piss off|go to hell|bugger off|sod off)",
    "(nobody|no one|noone) (likes|cares about|asked|wants|loves) (you|u)",
    "(vete a la mierda|callate|callate la boca|cierra la boca|cierra el pico|que te den|nadie te quiere|a nadie le importas|"
    "chinga tu madre|vete al carajo|jodete|hijo de puta|hija de puta|hijos de puta)",
    "(fick dich|verpiss dich|halt die fresse|halt dein maul|halts maul|leck mich|niemand mag dich|du opfer|du spast)",
    "(ta gueule|ferme ta gueule|va te faire foutre|nique ta mere|va te faire|casse toi|tes con|tes conne|tes nul|"
    "tes nulle|sale con|pauvre con|gros con|personne ne taime|fils de pute)",
    "(vai se foder|vai tomar no cu|cala a boca|cala boca|vai a merda|foda se voce|ninguem gosta de voce|vai pro inferno|"
    "filho da puta|filha da puta)",
)

# Insults of several words; like single-word insults they count only when aimed at someone.
INSULT_PHRASES = (
    "(attention seeker|attention seeking|attention whore|drama queen|waste of space|waste of air|waste of oxygen|"
    "piece of shit|piece of garbage|piece of trash|sack of shit|pedazo de mierda|stuck e merda|pedaco de merda)",
)

_PHRASES = PhraseMatcher(
    {"threat": THREATS, "targeted": TARGETED, "insult": INSULT_PHRASES},
    {"GROUPS": ("(women|men|gays|muslims|jews|immigrants|refugees|blacks|trans people|addicts|junkies|all of you|people like you)",)},
)
_PHRASE_GATE = _PHRASES.gate("threat", "targeted", "insult")
_REFLEXIVE = frozenset({"yourself", "urself", "yourselves"})
_POSSESSIVE = frozenset({"your", "dein", "deine", "deinen", "ton", "ta", "seu", "sua", "tus"})
_WINDOW = 5
_PROFANE_FOLDED = tuple(sorted({w for w in (
    "fuck", "fucking", "fucker", "fucked", "shit", "shitty", "bitch", "asshole", "cunt", "dick", "bastard",
    "damn", "piss", "crap", "merde", "mierda", "putain", "porra", "merda", "caralho", "scheisse", "scheiss", "arschloch",
)}))
_NONE = HarassmentFinding()
_ANY_SQUEEZED = INSULTS.squeezed | PROFANITY.squeezed | SLURS.squeezed
_ANY_EXACT = INSULTS.exact | PROFANITY.exact | SLURS.exact
# A token's squeezed form is its folded form with letter runs cut to one, so a message can only
# hold one of the exact words if it holds that word's squeezed form.
_ANY_EXACT_SQUEEZED = frozenset(squeeze(word) for word in _ANY_EXACT)
# One bit of the shared word index says a message holds a word some list above holds.
_LISTED = INDEX.new_bit()
INDEX.add_words(_ANY_SQUEEZED | _ANY_EXACT_SQUEEZED, _LISTED)
_INFIX = re.compile("|".join(PROFANE_INFIXES))
_HAS_INFIX = INDEX.new_bit()
INDEX.add_infixes(PROFANE_INFIXES, _HAS_INFIX)


def assess(message: Normalized) -> HarassmentFinding:
    """Judge one normalized message for harassment and profanity."""
    harassment: set[str] = set()
    doubtful: set[str] = set()
    profanity = False
    # Most messages hold none of the listed words: the message's word-index mask decides that
    # without splitting the text into tokens.
    infix = bool(message.mask & _HAS_INFIX)
    listed = bool(message.mask & _LISTED)
    phrases = _PHRASE_GATE.admits(message)
    squeezed: list[str] = []
    folded: list[str] = []
    if not listed and not infix:
        # No listed word: of the words alone only self-censored swearing ("f*ck") can count, in the
        # few tokens holding a "*"; those are looked at rather than every token (noise holds many).
        profanity = "*" in message.spaced and _any_masked_profanity(message.folded)
        if not phrases:
            return HarassmentFinding((), True, ()) if profanity else _NONE
    else:
        squeezed, folded = message.squeezed.split(" "), message.folded.split(" ")
    for i, word in enumerate(squeezed):
        exact = folded[i]
        # One membership test skips the words no list holds (most of them), instead of four.
        if word not in _ANY_SQUEEZED and exact not in _ANY_EXACT and "*" not in exact and not (
            infix and _INFIX.search(word)
        ):
            continue
        if SLURS.has(word, exact):
            harassment.add("harassment_slur")
        if PROFANITY.has(word, exact) or (infix and _INFIX.search(word)):
            profanity = True
        elif "*" in exact and _masked_profanity(exact):
            profanity = True
        if INSULTS.has(word, exact):
            _judge_insult(squeezed, folded, i, harassment, doubtful)
    for hit in _PHRASES.find(message.squeezed, message.glued) if phrases else ():
        if hit.label == "threat":
            harassment.add("harassment_threat")
        elif hit.label == "targeted":
            harassment.add("harassment_insult")
        else:
            if not squeezed:
                squeezed, folded = message.squeezed.split(" "), message.folded.split(" ")
            at = message.squeezed.count(" ", 0, hit.start)
            _judge_insult(squeezed, folded, at, harassment, doubtful)
    if not harassment and not profanity and not doubtful:
        return _NONE
    return HarassmentFinding(tuple(sorted(harassment)), profanity, tuple(sorted(doubtful)))


def _judge_insult(
    squeezed: list[str], folded: list[str], at: int, harassment: set[str], doubtful: set[str]
) -> None:
    """Classify the insult at token `at`: aimed (harassment), negated (supportive: nothing), or doubtful.

    It is aimed when a "you", an @mention or a group word comes shortly before it, or an @mention
    right after it; a negation in between ("you're not stupid") makes it supportive talk.
    """
    for j in range(at - 1, max(-1, at - 1 - _WINDOW), -1):
        word, exact = squeezed[j], folded[j]
        if word == ".":
            break
        if NEGATIONS.has(word, exact):
            return
        if word in _POSSESSIVE and at - j > 2:
            # "your ex sounds like an idiot" is about the ex; "your stupid face" is aimed.
            break
        if SECOND_PERSON.has(word, exact) or GROUPS.has(word, exact) or word.startswith("@"):
            # "don't call yourself an idiot", "stop calling yourself stupid": supportive, not aimed.
            if word in _REFLEXIVE and any(NEGATIONS.has(squeezed[k], folded[k]) for k in range(max(0, j - 2), j)):
                return
            harassment.add("harassment_insult")
            return
        if BREAKS.has(word, exact):
            break
    if at + 1 < len(squeezed) and squeezed[at + 1].startswith("@"):
        harassment.add("harassment_insult")
    else:
        doubtful.add("doubtful_insult")


def _any_masked_profanity(folded: str) -> bool:
    """Does a token of the folded text holding a "*" mask a profane word (`_masked_profanity`)? For
    ASCII text one C look at each "*" answers (moderation/_textscan.c)."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.masked_match(folded, _PROFANE_FOLDED)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return any(map(_masked_profanity, _starred_tokens(folded)))


def _starred_tokens(text: str) -> list[str]:
    """The tokens of a space-separated text that hold a "*"."""
    tokens = []
    at = text.find("*")
    while at >= 0:
        start = text.rfind(" ", 0, at) + 1
        end = text.find(" ", at)
        end = len(text) if end < 0 else end
        tokens.append(text[start:end])
        at = text.find("*", end)
    return tokens


def _masked_profanity(token: str) -> bool:
    """Self-censored swearing: "f*ck", "sh*t", "a**hole" match a profane word letter for letter."""
    # Compared letter by letter rather than with a regex per token: noise holds many distinct masked
    # tokens, and compiling each one (the `re` cache is small) cost more than the rest of the stage.
    size = len(token)
    return any(
        len(word) == size and all(t == "*" or t == w for t, w in zip(token, word)) for word in _PROFANE_FOLDED
    )

"""Personal information: phone numbers, e-mail addresses, street addresses, social handles and profile
links, and full names given together with contact details, found in the display text so they can be
replaced with placeholders like "[phone number removed]".

Phone numbers of any region are recognised with `phonenumbers`; numbers and domains on the
configured allow-list (public helplines, resource sites) are left alone so members can share them.
Detection errs towards redacting: in an anonymous room a lost digit string costs less than a leaked
number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

import phonenumbers

from moderation.lexicon import WORD_END, trie_regex
from moderation.word_index import INDEX, TEXTSCAN


def _starting_with(first: str, pattern: str) -> str:
    """`pattern`, behind a lookahead for the characters (a class body) a match can start with.

    Python's re skips ahead to a character of a class a pattern opens with, but tries every
    position of the text when it opens with a lookbehind or \\b, as the patterns below must; in a
    long message that is a thousand tries. The lookahead changes no match.
    """
    return f"(?=[{first}])(?:{pattern})"


def _at_word_start(words: list[str]) -> str:
    """Any of `words` where a word starts (one marked WORD_END must also end there), as a trie: an
    alternation tries each word at every position, a trie one branch per character."""
    first = "".join(sorted({re.escape(word[0]) for word in words}))
    return _starting_with(first, r"(?<!\w)" + trie_regex(words, word_end=r"\b"))


class Span(NamedTuple):
    """A piece of personal information: what kind, and where it sits in the display text."""

    kind: str
    start: int
    end: int


PLACEHOLDERS = {
    "phone": "[phone number removed]",
    "email": "[email removed]",
    "address": "[address removed]",
    "handle": "[social handle removed]",
    "profile_link": "[profile link removed]",
    "name": "[name removed]",
}
NOUNS = {
    "phone": "a phone number",
    "email": "an e-mail address",
    "address": "a street address",
    "handle": "a social media handle",
    "profile_link": "a profile link",
    "name": "a full name",
}

_LANGUAGE_REGION = {"en": "US", "es": "ES", "de": "DE", "fr": "FR", "pt": "BR", "it": "IT", "nl": "NL"}

_PHONE = re.compile(
    _starting_with(r"+(\d", r"(?<![\w@/#.,])(?:\+|00|\(\+?)?\d(?:[ \-.()/\u00a0]{0,3}\d){6,16}(?![\w@])")
)
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:19|20)\d\d\s*[-–/]\s*(?:19|20)\d\d")
_DECIMAL = re.compile(r"\d+[.,]\d+")
# A book's number is public, and UK phone numbers look like ISBN-10s ("0141187484" is Glasgow).
_ISBN_BEFORE = re.compile(r"\bisbn(?:-?1[03])?(?:\s+is|[:#])?\s*$", re.IGNORECASE)

# An address is [\w.+-]+@[\w-]+(?:\.[\w-]+)+, but that regex tries every position of every word and
# runs each attempt to the word's end, quadratic in noise: `_email_spans` finds the same from each
# "@", a literal the regex engine jumps to, and walks back over the local part.
_AT_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
# Spelled-out addresses: "jo dot smith at gmail dot com", "jo[at]gmail.com". A plain " at " needs a
# spelled " dot " as well, or "prescription at pharma-discount.net" would read as an address.
_TLD = r"(?:com|net|org|edu|gov|io|me|co|info|de|fr|es|pt|br|uk|it|nl|mx|ar|ca|au|ch|at|be)\b"
_LOCAL = r"\b[\w+-]{2,}(?:\s?(?:\.|\sdot\s|\[dot\]|\(dot\))\s?[\w+-]+)*"
_EMAIL_SPELLED = re.compile(
    _LOCAL + r"\s?(?:\[at\]|\(at\)|\{at\}|\s@\s)\s?[\w-]{2,}\s?(?:\[dot\]|\(dot\)|\{dot\}|\sdot\s|\.)\s?" + _TLD
    + "|" + _LOCAL + r"\sat\s[\w-]{2,}\s?(?:\[dot\]|\(dot\)|\{dot\}|\sdot\s)\s?" + _TLD,
    re.IGNORECASE,
)
# What an address spelled with " @ " holds after it, found from the "@": _EMAIL_SPELLED tries every
# position of the text, and noise holds " @ " often enough. Unless "[dot]" is spelled too, " @ "
# needs this after it to start an address.
_SPELLED_AT_DOMAIN = re.compile(
    r"@\s\s?[\w-]{2,}\s?(?:\[dot\]|\(dot\)|\{dot\}|\sdot\s|\.)\s?" + _TLD, re.IGNORECASE
)

# The strings `find` asks the (lower-case) text about, as bits of what `_present` returns: an "@"
# spelled out, a spelled " dot ", a " @ " with spaces, a "dot" in brackets, the "u/" of a Reddit
# user, and the end of a profile link's domain before its "/" (_PROFILE_DOMAIN_END's strings).
_AT_SPELLED, _DOT_SPACED, _AT_SPACED, _DOT_BRACKETED, _U_SLASH, _PROFILE_END = 1, 2, 4, 8, 16, 32
_NEEDLES = {
    "[at]": _AT_SPELLED, "(at)": _AT_SPELLED, "{at}": _AT_SPELLED, " dot ": _DOT_SPACED, " @ ": _AT_SPACED,
    "[dot]": _DOT_BRACKETED, "(dot)": _DOT_BRACKETED, "{dot}": _DOT_BRACKETED, "u/": _U_SLASH,
    **{f".{end}/": _PROFILE_END for end in ("com", "am", "me", "gg", "net", "app", "tv", "ee")},
}
_NEEDLE_TABLE = TEXTSCAN.word_starts(list(_NEEDLES), _NEEDLES) if TEXTSCAN is not None else None

_PROFILE_LINK = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:instagram\.com|instagr\.am|facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|"
    r"tiktok\.com|snapchat\.com|t\.me|telegram\.me|wa\.me|discord\.gg|discord\.com/users|reddit\.com/u(?:ser)?|"
    r"linkedin\.com/in|youtube\.com/@|threads\.net|bsky\.app/profile|onlyfans\.com|twitch\.tv|vk\.com|"
    r"kik\.me|signal\.me|linktr\.ee)/[^\s,;)\]]+",
    re.IGNORECASE,
)
# The end of every domain _PROFILE_LINK knows, with the "/" after it: a literal-first check that
# rules out most long texts before the hints are looked for.
_PROFILE_DOMAIN_END = re.compile(r"\.(?:com|am|me|gg|net|app|tv|ee)/", re.IGNORECASE)
# Hints that a profile link may be present, as a trie (`trie_regex`): an alternation of words tries
# each word at every position, a trie one branch per character.
_PROFILE_HINT = re.compile(trie_regex(
    "instagr facebook fb. twitter x.com tiktok snapchat t.me telegram wa.me discord reddit linkedin youtube "
    "threads bsky onlyfans twitch vk.com kik.me signal.me linktr".split()
))
# Platform names as whole words.
_PLATFORM_NAMES = [
    name + WORD_END
    for name in "insta instagram ig snap snapchat sc twitter tiktok telegram tg discord kik whatsapp fb facebook "
    "threads reddit signal skype wechat bluesky bsky mastodon twitch youtube onlyfans linkedin".split()
]
_PLATFORM_WORDS = _at_word_start(_PLATFORM_NAMES)
# Case-insensitive matching is several times slower in `re`; ASCII text is lowered instead.
_PLATFORM = re.compile(_PLATFORM_WORDS)
_PLATFORM_ANY_CASE = re.compile(_PLATFORM_WORDS, re.IGNORECASE)
_ANY_DIGIT = re.compile(r"\d")
_NON_DIGITS = re.compile(r"\D")
# Between a platform name and a handle: words that introduce it as a handle ("insta: x", "ig is x").
_INTRODUCED = re.compile(r"[:=]|\b(?:is|its|it's|es|ist|est|é)\b", re.IGNORECASE)
_DIGITS = b"0123456789"

# The platform names as they appear among a normalized message's squeezed words.
_PLATFORM_SQUEEZED = frozenset(
    "insta instagram ig snap snapchat sc twiter tiktok telegram tg discord kik whatsap fb facebok threads redit "
    "signal skype wechat bluesky bsky mastodon twitch youtube onlyfans linkedin".split()
)
# A message's word set holds only the words some stage asks about; `find` asks about these.
INDEX.add_lookups(_PLATFORM_SQUEEZED | {"dot"})
# What _PHONE allows between two digits: every match holds seven digits with at most three of
# these between each two (_PHONE_DIGITS), which the random digits of long text seldom have.
_PHONE_SEPARATORS = " -.()/\u00a0"
_PHONE_DIGITS = re.compile(r"\d(?:[ \-.()/\u00a0]{0,3}\d){6}")
# Every address pattern below holds one of these words: a message without any needs no address scan.
# Words marked \b must end there.
_STREET_WORDS = (
    r"street st\b avenue ave\b road rd\b lane ln\b drive dr\b boulevard blvd court ct\b way\b place pl\b terrace close "
    r"crescent square sq\b parkway pkwy highway hwy circle cir\b grove gardens calle c/ avenida avda av. plaza pza "
    r"paseo camino carrera rua travessa praça praca alameda estrada rue bd\b chemin allée allee impasse quai cours"
    .replace(r"\b", WORD_END).split()
)
_STREET_HINT = re.compile(_at_word_start(_STREET_WORDS))
# The platform names for the C scan of ASCII text (`_word_starts`).
_PLATFORM_STARTS = TEXTSCAN.word_starts(_PLATFORM_NAMES) if TEXTSCAN is not None else None
# German street names have their suffix joined to the name ("Hauptstraße"): looked for anywhere.
_GERMAN_STREET = ("straße", "strasse", "str.", "weg", "gasse", "platz", "allee")
_HANDLE_AFTER = re.compile(
    r"(?:\s*(?:[:=\-]|(?:is|its|it's|es|ist|est|é|eh|at|on|me|add|follow|dm|my|handle|user|username|name|account|"
    r"mi|mein|mon|meu|como|als)\b))*\s*(@?[A-Za-z0-9_.]{3,30}(?:#\d{4})?)",
    re.IGNORECASE,
)
_HANDLE_WORDS = frozenset({
    "me", "you", "and", "or", "but", "the", "too", "if", "pls", "please", "sometime", "later", "now", "there",
    "also", "then", "instead", "anyway", "lol", "haha", "ok", "okay", "thanks", "bro", "guys", "for", "with",
    "to", "so", "cause", "because", "hmu", "ya", "u", "sometimes", "plz", "x", "xx", "and then", "yeah",
})
_REDDIT_USER = re.compile(_starting_with("/u", r"(?<![\w/])/?u/[A-Za-z0-9_-]{3,20}\b"))
_DISCORD_TAG = re.compile(r"\b[A-Za-z0-9_.]{2,32}#\d{4}\b")
_HASH_DIGITS = re.compile(r"#\d{4}")  # what every Discord tag holds; "#" is a literal the engine jumps to

_STREET_STOP = frozenset(
    "the a an down up to of in on my your across along miles mile km minutes min blocks block steps hours times days "
    "from off this that over around past by and or at".split()
)
_STREET_WORDS_EN = (
    "street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|close|crescent|square|"
    "sq|parkway|pkwy|highway|hwy|circle|cir|grove|gardens"
)
# A number starts an address: `\d(?<!\w\d)` is `\b\d` written digit first, so that the engine jumps
# from digit to digit instead of trying every position (a long message has a thousand).
_ADDRESS_EN = re.compile(
    r"\d(?<!\w\d)\d{0,4}[A-Za-z]?,?\s+((?:[A-Za-z][\w'.-]*\s+){1,4})(?:" + _STREET_WORDS_EN + r")\b\.?"
    r"(?:,?\s*(?:apt|apartment|unit|flat|suite|#)\.?\s*\w+)?",
    re.IGNORECASE,
)
# A street word then a number, or a number then a street word; the street words as a trie.
_NAME_FIRST_STREETS = (
    "calle c/ avenida avda avda. av. plaza pza pza. paseo camino carrera rua travessa praça praca alameda estrada"
)
_NUMBER_FIRST_STREETS = "rue avenue boulevard bd place chemin allée allee impasse quai cours"
# The words _ADDRESS_OTHER is built around.
_OTHER_STREET = (*_NAME_FIRST_STREETS.split(), *_NUMBER_FIRST_STREETS.split())
_ADDRESS_OTHER = re.compile(_starting_with(
    r"aceprt\d",
    r"(?<!\w)(?:" + trie_regex(_NAME_FIRST_STREETS.split()) + r")"
    r"\s+[\w\s.'-]{2,40}?,?\s*(?:n[ºo°.]\s*)?\d{1,5}[A-Za-z]?\b"
    r"|\d(?<!\w\d)\d{0,3}(?:\s?(?:bis|ter))?,?\s+"
    r"(?:" + "|".join(_NUMBER_FIRST_STREETS.split()) + r")\s+"
    r"(?:de\s+la\s+|du\s+|des\s+|de\s+l'|de\s+|d')?[\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+){0,3}",
), re.IGNORECASE)
# The address patterns, as bits of what `_address_gates` says could match, and the C tables it
# reads for ASCII text: the street words of _ADDRESS_EN, those of _ADDRESS_OTHER that come first
# and those that come after the number, each found where a word starts, and the German suffixes,
# found anywhere.
_EN, _OTHER, _DE = 1, 2, 4
_ADDRESS_WORDS = (
    [w + WORD_END for w in _STREET_WORDS_EN.split("|")],
    _NAME_FIRST_STREETS.split(),
    [w + WORD_END for w in _NUMBER_FIRST_STREETS.split()],
    list(_GERMAN_STREET),
)
# The last table holds the words of all four: the C pass asks it first where any could start.
_ADDRESS_TABLES = (
    tuple(TEXTSCAN.word_starts(words) for words in _ADDRESS_WORDS)
    + (TEXTSCAN.word_starts([w.rstrip(WORD_END) for words in _ADDRESS_WORDS for w in words]),)
    if TEXTSCAN else None
)

# German street names end in a suffix joined to the name ("Hauptstraße 12"): find the suffix and
# number first, then walk back to the start of the word, which avoids a backtracking regex.
_ADDRESS_DE = re.compile(r"(?:straße|strasse|str\.|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b", re.IGNORECASE)
_WORD_BACK = re.compile(r"[A-Za-zÄÖÜäöüß-]{3,}$")
# The introductions, grouped by first letter (no two can match at one place, so order is free):
# the engine then tries one group per position rather than each of twenty-five phrases.
_NAME_INTRO = re.compile(_starting_with(
    "acijmst",
    r"(?<!\w)(?:m(?:y (?:real |full )?name is|e (?:llamo|chamo)|i nombre es|ein name ist|on nom est|eu nome [ée])"
    r"|i(?:'?m| am|ch (?:hei(?:ß|ss)e|bin))|t(?:his is|ext)|c(?:all|ontact)|ask for|s(?:oy|ou)|je (?:m'appelle|suis)"
    r"|eu sou)\s+([A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][a-zà-ÿ'-]+){1,2})",
), re.IGNORECASE)
_NAME_BEFORE = re.compile(r"([A-ZÀ-Ý][a-zà-ÿ'-]+\s+[A-ZÀ-Ý][a-zà-ÿ'-]+)\s*[,:\-–]?\s*$")
_NAME_SEPARATORS = ",:-–"
_CAPITALISED = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ'-]+")
_NOT_NAMES = frozenset(
    "I The My Call Text Me Hi Hey Hello Thanks Please Mom Dad Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday Dr Mr Mrs Ms Samaritans Lifeline Crisis Line Text Shout".split()
)


def _email_spans(text: str) -> list[tuple[int, int]]:
    """Where `[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+` matches, scanning from the left. An address starts at
    the first position whose run of [\\w.+-] reaches an "@" with a domain after it: the start of that
    run, or the end of the previous address if it ends inside the run."""
    if TEXTSCAN is not None and TEXTSCAN.at_domain(text) is False:
        return []  # for ASCII text one C look at each "@" (moderation/_textscan.c) rules it out
    spans = []
    previous_end = 0
    for m in _AT_DOMAIN.finditer(text):
        at = start = m.start()
        while start > previous_end and _local_char(text[start - 1]):
            start -= 1
        if start < at:
            spans.append((start, m.end()))
            previous_end = m.end()
    return spans


def _lower_ascii(text: str) -> str:
    """text.lower() of ASCII text, always a new str: in C where it is built (moderation/_textscan.c),
    since compiled code's own str.lower() takes each character through Unicode's case tables."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.lower_ascii(text)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return text.lower()


def _reddit_users(text: str) -> list[tuple[int, int]]:
    """Where _REDDIT_USER matches, scanning from the left. Every match holds "u/", at its start or
    after its "/", so it is tried only there: the regex alone tries every position of a long text
    that holds a "u/" somewhere (11 us on 1 KB of noise)."""
    spans = []
    end = 0
    at = text.find("u/")
    while at >= 0:
        start = at - 1 if at > 0 and text[at - 1] == "/" else at
        if start >= end:
            m = _REDDIT_USER.match(text, start)
            if m:
                spans.append((start, m.end()))
                end = m.end()
        at = text.find("u/", at + 1)
    return spans


def _local_char(char: str) -> bool:
    """Does `char` match [\\w.+-]? (\\w is what str.isalnum says, and "_".)"""
    return char.isalnum() or char in "_.+-"


def _present(lower: str) -> int:
    """Which of _NEEDLES the text holds, as the OR of their bits: for ASCII text one C pass over it
    (moderation/_textscan.c), a search of a long message for each costs several times as much."""
    if _NEEDLE_TABLE is not None:
        found = TEXTSCAN.needle_bits(lower, _NEEDLE_TABLE)
        if found is not None:
            return found  # type: ignore[no-any-return]
    bits = 0
    for needle, bit in _NEEDLES.items():
        if needle in lower:
            bits |= bit
    return bits


def _word_starts(lowered: str, table: Any, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where `pattern`, a list of words at word starts (`_at_word_start`), matches the lower-case
    text, as (start, end) pairs. For ASCII text the C scan of `table`, the same words, finds them
    (moderation/_textscan.c): it looks only at word starts, where `re` tries every position that
    could open a word."""
    if table is not None and lowered.isascii():
        return _c_word_starts(lowered, table)
    return [m.span() for m in pattern.finditer(lowered)]


def _c_word_starts(lowered: str, table: Any) -> list[tuple[int, int]]:
    """Where a word of ASCII text starts with one of `table`'s words (the longest there), as (start,
    end) pairs, not overlapping."""
    spans: list[tuple[int, int]] = []
    at = 0
    while True:
        start, at = TEXTSCAN.find_word_start(lowered, table, at)
        if start < 0:
            return spans
        spans.append((start, at))


def _address_gates(text: str, lowered: str) -> int:
    """Which address patterns could match `text`, as bits: _EN for _ADDRESS_EN, _OTHER for
    _ADDRESS_OTHER, _DE for _ADDRESS_DE (`lowered` is the text in lower case).

    For ASCII text one C call answers from where the street words stand (moderation/_textscan.c):
    _ADDRESS_EN needs a street word with one to four name words before it and a number before
    those; _ADDRESS_OTHER a street word that comes first with a number after it, past only word
    characters, spaces and ".'-,", or one that comes right after its number ("12 bis rue"). Long
    noise is full of "st", "rd" and "pl" with no number in reach, and the patterns themselves would
    try every number of the text. Otherwise any pattern may match once some street word is present;
    for ASCII text, each only with its own words. Only for ASCII text does lower case decide that:
    the patterns ignore case by Unicode's rules, which fold a few characters ("ſ", the Kelvin sign)
    that str.lower leaves alone.
    """
    if _ADDRESS_TABLES is not None:
        found = TEXTSCAN.address_gates(text, *_ADDRESS_TABLES)
        if found is not None:
            return found  # type: ignore[no-any-return]
    german = any(word in lowered for word in _GERMAN_STREET)
    if not german and not _STREET_HINT.search(lowered):
        return 0
    if not text.isascii():
        return _EN | _OTHER | _DE
    return _EN | (_OTHER if any(word in lowered for word in _OTHER_STREET) else 0) | (_DE if german else 0)


def _seven_digits(text: str) -> bool:
    """Does the text hold seven digits close enough together to be a phone number (_PHONE_DIGITS)?
    For ASCII text one C pass answers (moderation/_textscan.c); the regex tries every digit."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.digits_close(text, 7, 3, _PHONE_SEPARATORS)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return _PHONE_DIGITS.search(text) is not None


def _hash_digits(text: str) -> bool:
    """Does a "#" with four digits after it, what every Discord tag holds, occur in the text? For
    ASCII text one C look at each "#" answers (moderation/_textscan.c)."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.digits_after(text, "#", 4)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return _HASH_DIGITS.search(text) is not None


def _has_digit(text: str) -> bool:
    """Does the text hold any digit? For ASCII text a C pass answers (one digit "close" to itself);
    without it, deleting the digits from its bytes and comparing lengths, several times faster
    than a regex search for `\\d` over a long message."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.digits_close(text, 1, 0)
        if found is not None:
            return found  # type: ignore[no-any-return]
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _DIGITS)) != len(data)
    return _ANY_DIGIT.search(text) is not None


class PiiDetector:
    """Finds personal information in a display text, leaving allow-listed numbers and domains alone."""

    def __init__(self, allowed_numbers: Iterable[str] = (), allowed_domains: Iterable[str] = ()) -> None:
        self._numbers = frozenset(_NON_DIGITS.sub("", n) for n in allowed_numbers)
        self._domains = tuple(d.lower().lstrip(".") for d in allowed_domains)

    def find(self, text: str, locale: str = "en", words: frozenset[str] | None = None) -> list[Span]:
        """Every piece of personal information in `text`, in order, without overlaps.

        `words`, the message's squeezed words when the caller has them (all of them, or those of the
        shared index's vocabulary, which holds every word looked for here), lets the social-handle
        check be skipped for messages that name no platform.
        """
        spans: list[Span] = []
        lower = _lower_ascii(text) if text.isascii() else text
        # Most messages hold no digit at all; one cheap scan then rules out phones and addresses.
        any_digit = _has_digit(text)
        seven_digits = any_digit and _seven_digits(text)
        dot = " dot " in lower if words is None else "dot" in words
        # Each of _NEEDLES holds "@", "/", " dot " or a bracket: text with none (most chat) skips the pass.
        found = dot or "@" in text or "/" in text or "]" in lower or ")" in lower or "}" in lower
        present = _present(lower) if found else 0
        if "@" in text or present & _AT_SPELLED or dot:
            spans += self._emails(text, present)
        # Hints are looked for in lower case; `lower` is the text itself when it is not ASCII.
        lowered = lower if lower is not text else text.lower()
        if "/" in text:
            # For ASCII text `lower` is lower case, and the needle pass answers _PROFILE_DOMAIN_END.
            ends = present & _PROFILE_END if text.isascii() else _PROFILE_DOMAIN_END.search(text)
            if ends and _PROFILE_HINT.search(lowered):
                spans += [Span("profile_link", m.start(), m.end()) for m in _PROFILE_LINK.finditer(text)]
            if present & _U_SLASH:  # "u/" in the lower-case text, which admits more: the regex decides
                spans += [Span("handle", start, end) for start, end in _reddit_users(text)]
        if seven_digits:
            spans += self._phones(text, locale)
        gates = _address_gates(text, lowered) if any_digit else 0
        if gates:
            spans += self._addresses(text, gates)
        if "#" in text and _hash_digits(text):
            spans += [Span("handle", m.start(), m.end()) for m in _DISCORD_TAG.finditer(text)]
        if words is None or not _PLATFORM_SQUEEZED.isdisjoint(words):
            spans += self._handles(text, lower)
        if spans:
            spans = _without_overlaps(spans)
            spans = _without_overlaps(spans + self._names(text, spans))
        return spans

    def _emails(self, text: str, present: int) -> list[Span]:
        """E-mail addresses, written or spelled out; `present` says which of _NEEDLES the text holds."""
        found = []
        spelled = bool(present & (_AT_SPELLED | _DOT_SPACED)) or (
            bool(present & _AT_SPACED) and (bool(present & _DOT_BRACKETED) or _SPELLED_AT_DOMAIN.search(text) is not None)
        )
        for start, end in _email_spans(text):
            if not self._allowed_domain(text[text.rindex("@", start, end) + 1 : end].lower()):
                found.append(Span("email", start, end))
        for m in _EMAIL_SPELLED.finditer(text) if spelled else ():
            domain = m.group().rsplit("@", 1)[-1].lower()
            if not self._allowed_domain(domain):
                found.append(Span("email", m.start(), m.end()))
        return found

    def _allowed_domain(self, host: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in self._domains)

    def _phones(self, text: str, locale: str) -> list[Span]:
        found = []
        region = _LANGUAGE_REGION.get(locale[:2].lower(), "US")
        if len(locale) >= 5 and locale[2] in "-_":
            region = locale[3:5].upper()
        for m in _PHONE.finditer(text):
            candidate = m.group().strip()
            digits = _NON_DIGITS.sub("", candidate)
            if not 7 <= len(digits) <= 15 or digits in self._numbers:
                continue
            if _DATE.fullmatch(candidate) or _DECIMAL.fullmatch(candidate):
                continue
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            if _ISBN_BEFORE.search(text, max(0, start - 16), start):
                continue
            if _is_phone(candidate, digits, region):
                found.append(Span("phone", start, start + len(candidate)))
        return found

    def _addresses(self, text: str, gates: int) -> list[Span]:
        """Addresses, by each pattern whose bit `gates` (from `_address_gates`) has."""
        found = []
        for m in _ADDRESS_EN.finditer(text) if gates & _EN else ():
            words = m.group(1).lower().split()
            if not any(w in _STREET_STOP for w in words):
                found.append(Span("address", m.start(), m.end()))
        if gates & _OTHER:
            found += [Span("address", m.start(), m.end()) for m in _ADDRESS_OTHER.finditer(text)]
        for m in _ADDRESS_DE.finditer(text) if gates & _DE else ():
            head = _WORD_BACK.search(text, max(0, m.start() - 40), m.start())
            if head:
                found.append(Span("address", head.start(), m.end()))
        return found

    def _handles(self, text: str, lower: str) -> list[Span]:
        found = []
        platforms = (
            _word_starts(lower, _PLATFORM_STARTS, _PLATFORM) if lower is not text
            else [m.span() for m in _PLATFORM_ANY_CASE.finditer(text)]
        )
        for _, platform_end in platforms:
            after = _HANDLE_AFTER.match(text, platform_end)
            if not after:
                continue
            handle = after.group(1)
            bare = handle.lstrip("@").rstrip(".")
            marked = handle.startswith("@") or any(c.isdigit() or c in "_." for c in bare)
            introduced = _INTRODUCED.search(text[platform_end : after.start(1)]) is not None
            if bare.lower() in _HANDLE_WORDS or _PLATFORM_ANY_CASE.fullmatch(bare) or not (marked or introduced):
                continue
            end = after.start(1) + len(handle.rstrip("."))
            found.append(Span("handle", after.start(1), end))
        return found

    def _names(self, text: str, contacts: list[Span]) -> list[Span]:
        """Full names, only when the message also gives a way to reach someone."""
        found = []
        for m in _NAME_INTRO.finditer(text):
            name = m.group(1)
            words = name.split()
            if all(_CAPITALISED.fullmatch(w) for w in words) and not set(words) & _NOT_NAMES:
                found.append(Span("name", m.start(1), m.end(1)))
        for span in contacts:
            start = _name_start_before(text, span.start)
            before = _NAME_BEFORE.search(text, start, span.start) if start >= 0 else None
            if before and not set(before.group(1).split()) & _NOT_NAMES:
                found.append(Span("name", before.start(1), before.end(1)))
        return found


def _name_start_before(text: str, end: int) -> int:
    """Where a match of _NAME_BEFORE ending at `end` must start, or -1 if none can.

    Such a match is two capitalised words, then spaces and at most one separator up to `end`, so
    its start is fixed by `end`: walking back over lower-case letters, spaces and separators
    stops at the second word's capital, and again (without separators) at the first word's. The
    regex is then run from there instead of from the start of the text, which tried every position.
    """
    at = _walk_back(text, end, True)
    if at < 0 or not _name_capital(text[at]):
        return -1
    at = _walk_back(text, at, False)
    return at if at >= 0 and _name_capital(text[at]) else -1


def _walk_back(text: str, end: int, separators: bool) -> int:
    """The index of the last character before `end` that is not a lower-case letter of a name, a space
    or (if `separators`) a separator; -1 if there is none."""
    at = end - 1
    while at >= 0:
        char = text[at]
        if not (("a" <= char <= "z") or ("à" <= char <= "ÿ") or char in "'-" or char.isspace()
                or (separators and char in _NAME_SEPARATORS)):
            break
        at -= 1
    return at


def _name_capital(char: str) -> bool:
    """Does `char` match [A-ZÀ-Ý]?"""
    return "A" <= char <= "Z" or "À" <= char <= "Ý"


def _is_phone(candidate: str, digits: str, region: str) -> bool:
    """Does a digit string look like a phone number? International numbers must fit their country's
    lengths; national ones only need a phone's length, since any region's format may be meant.
    """
    if candidate.startswith(("+", "(+", "00")):
        text = "+" + candidate[2:] if candidate.startswith("00") else candidate
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(text, None))
        except phonenumbers.NumberParseException:
            return False
    try:
        phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    # Any region's format may be meant, so a national number only needs a phone's length (which the
    # caller has checked), not validity in the author's region.
    return 7 <= len(digits) <= 15


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Sort spans and drop any that overlap an earlier, longer one."""
    result: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if result and span.start < result[-1].end:
            continue
        result.append(span)
    return result


def redact(text: str, spans: list[Span]) -> str:
    """Replace each span with its placeholder."""
    out, last = [], 0
    for span in spans:
        out.append(text[last : span.start])
        out.append(PLACEHOLDERS[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)

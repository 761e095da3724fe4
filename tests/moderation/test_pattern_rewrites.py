"""The personal-information and spam patterns, written so that `re` can jump through long text, find
exactly what their plain forms find. The plain forms are kept here as the reference: they are what
a reader would write, and what the rewrites must equal (docs/moderation.md, "Long text")."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation import pii, spam

STREET_WORDS_EN = (
    "street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|close|crescent|square|"
    "sq|parkway|pkwy|highway|hwy|circle|cir|grove|gardens"
)
PLAIN = {
    "phone": re.compile(r"(?<![\w@/#.,])(?:\+|00|\(\+?)?\d(?:[ \-.()/\u00a0]{0,3}\d){6,16}(?![\w@])"),
    "reddit user": re.compile(r"(?<![\w/])/?u/[A-Za-z0-9_-]{3,20}\b"),
    "platform": re.compile(
        r"\b(?:insta|instagram|ig|snap|snapchat|sc|twitter|tiktok|telegram|tg|discord|kik|whatsapp|fb|facebook|"
        r"threads|reddit|signal|skype|wechat|bluesky|bsky|mastodon|twitch|youtube|onlyfans|linkedin)\b",
        re.IGNORECASE,
    ),
    "address en": re.compile(
        r"\b\d{1,5}[A-Za-z]?,?\s+((?:[A-Za-z][\w'.-]*\s+){1,4})(?:" + STREET_WORDS_EN + r")\b\.?"
        r"(?:,?\s*(?:apt|apartment|unit|flat|suite|#)\.?\s*\w+)?",
        re.IGNORECASE,
    ),
    "address other": re.compile(
        r"\b(?:calle|c/|avenida|avda\.?|av\.|plaza|pza\.?|paseo|camino|carrera|rua|travessa|pra[çc]a|alameda|estrada)\s+"
        r"[\w\s.'-]{2,40}?,?\s*(?:n[ºo°.]\s*)?\d{1,5}[A-Za-z]?\b"
        r"|\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|chemin|all[ée]e|impasse|quai|cours)\s+"
        r"(?:de\s+la\s+|du\s+|des\s+|de\s+l'|de\s+|d')?[\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+){0,3}",
        re.IGNORECASE,
    ),
    "name intro": re.compile(
        r"\b(?:my (?:real |full )?name is|i'?m|i am|this is|call|text|ask for|contact|me llamo|mi nombre es|soy|"
        r"ich hei(?:ß|ss)e|mein name ist|ich bin|je m'appelle|je suis|mon nom est|meu nome [ée]|me chamo|eu sou|sou)\s+"
        r"([A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][a-zà-ÿ'-]+){1,2})",
        re.IGNORECASE,
    ),
    "mention": re.compile(r"(?<![\w.])@(\w{1,32})"),
    "platform, lower case": re.compile(
        r"\b(?:insta|instagram|ig|snap|snapchat|sc|twitter|tiktok|telegram|tg|discord|kik|whatsapp|fb|facebook|"
        r"threads|reddit|signal|skype|wechat|bluesky|bsky|mastodon|twitch|youtube|onlyfans|linkedin)\b"
    ),
}
REWRITTEN = {
    "phone": pii._PHONE,
    "reddit user": pii._REDDIT_USER,
    "platform": pii._PLATFORM_ANY_CASE,
    "address en": pii._ADDRESS_EN,
    "address other": pii._ADDRESS_OTHER,
    "name intro": pii._NAME_INTRO,
    "mention": spam._MENTION,
    "platform, lower case": pii._PLATFORM,
}
PLAIN_STREET_HINT = re.compile(
    r"\b(?:street|st\b|avenue|ave\b|road|rd\b|lane|ln\b|drive|dr\b|boulevard|blvd|court|ct\b|way\b|place|pl\b|terrace|"
    r"close|crescent|square|sq\b|parkway|pkwy|highway|hwy|circle|cir\b|grove|gardens|calle|c/|avenida|avda|av\.|plaza|"
    r"pza|paseo|camino|carrera|rua|travessa|pra[çc]a|alameda|estrada|rue|bd\b|chemin|all[ée]e|impasse|quai|cours)"
    r"|(?:stra(?:ss|ß)e|str\.|weg\b|gasse|platz|allee)"
)
PLAIN_PROFILE_HINT = re.compile(
    r"instagr|facebook|fb\.|twitter|x\.com|tiktok|snapchat|t\.me|telegram|wa\.me|discord|reddit|linkedin|youtube|"
    r"threads|bsky|onlyfans|twitch|vk\.com|kik\.me|signal\.me|linktr"
)

# Pieces of addresses, numbers, handles, names and links, glued with spaces and punctuation.
PIECES = (
    "12 34 221 1500 7 99999 123456 12a 3bis ter , . : ; # #1234 @ @bob bob@x.com jo at gmail dot com [at] (dot) "
    "x.de www. http:// https://a.io/x ab.io C/ c/ calle Calle av. avda avda. pza. rua praça allée rue Rue de la Paix "
    "du d' Baker Main Street St st rd Ave Avenue way Way pl bd n. nº Hauptstraße strasse Str. weg gasse platz insta "
    "ig snap is me my u/bob /u/bob_99 instagram.com/x fb.me/x Jo Smith I'm John Doe call Text my name is ich heiße "
    "je suis me llamo 555-123-4567 +44 20 7946 0958 (415) 00 é ß Ü ÀNGEL _ - ' / x y z apt 4 1st"
).split(" ")
texts = st.lists(
    st.tuples(st.sampled_from(PIECES), st.sampled_from(["", " ", " ", "  ", ", ", "\n", "-", "."])), max_size=14
).map(lambda parts: "".join(piece + glue for piece, glue in parts))
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]


@SETTINGS
@given(texts)
def test_every_rewritten_pattern_finds_what_its_plain_form_finds(text):
    for name, plain in PLAIN.items():
        assert _spans(REWRITTEN[name], text) == _spans(plain, text), name


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab.+-_@ 1\u00e9\u00b2x#", max_size=30))
def test_emails_are_found_from_each_at_as_the_whole_pattern_finds_them(text):
    plain = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
    assert pii._email_spans(text) == [(m.start(), m.end()) for m in plain.finditer(text)]


@settings(max_examples=2000, deadline=None)
@given(st.one_of(texts, st.text(alphabet="u/U/ab_-1 .é", max_size=40)))
def test_reddit_users_are_found_from_each_u_slash_as_the_whole_pattern_finds_them(text):
    assert pii._reddit_users(text) == [m.span() for m in pii._REDDIT_USER.finditer(text)]


@SETTINGS
@given(texts)
def test_the_hints_admit_every_text_the_plain_hints_admit(text):
    # Only ever searched for, so whether they match is what counts.
    assert bool(spam._DOTTED.search(text)) == bool(re.search(r"\w\.[A-Za-z]{2}", text))
    lowered = text.lower()
    if PLAIN_STREET_HINT.search(lowered):
        assert pii._STREET_HINT.search(lowered) or any(word in lowered for word in pii._GERMAN_STREET)
    if PLAIN_PROFILE_HINT.search(lowered):
        assert pii._PROFILE_HINT.search(lowered)


@SETTINGS
@given(texts)
def test_no_link_starts_before_where_the_scan_starts(text):
    first = spam._URL.search(text)
    start = spam._earliest_link(text)
    if first is None:
        assert start == -1 or spam._URL.search(text, max(start, 0)) is None
    else:
        assert 0 <= start <= first.start()


@SETTINGS
@given(texts, st.integers(0, 200))
def test_a_name_before_a_contact_is_found_from_where_it_must_start(text, end):
    end = min(end, len(text))
    start = pii._name_start_before(text, end)
    plain = pii._NAME_BEFORE.search(text, 0, end)
    found = pii._NAME_BEFORE.search(text, start, end) if start >= 0 else None
    assert (found.span(1) if found else None) == (plain.span(1) if plain else None)


# Numbers, street words of every address pattern in either case, other words, and what may stand
# between them, so that the address patterns match often and in many ways.
ADDRESS_PIECES = [
    *pii._STREET_WORDS_EN.split("|"), *pii._NAME_FIRST_STREETS.split(), *pii._NUMBER_FIRST_STREETS.split(),
    "Main", "de", "la", "bis", "ter", "n.", "nº", "no", "°", "12", "7", "221b", "1500", "x", "apt", "#4", "the",
    "St", "RUE", "Calle", "C/", "AV.", "_", "é",
]
address_texts = st.lists(
    st.tuples(
        st.sampled_from(ADDRESS_PIECES),
        st.sampled_from([" ", " ", "  ", ", ", "\n", "-", ".", "", "'", "!", "/"]),
    ),
    max_size=12,
).map(lambda parts: "".join(piece + glue for piece, glue in parts))


@SETTINGS
@given(texts)
def test_every_phone_passes_the_phone_hint(text):
    # _PHONE is tried only where _seven_digits says its digits are.
    if pii._PHONE.search(text):
        assert pii._seven_digits(text) and pii._PHONE_DIGITS.search(text)


@SETTINGS
@given(st.one_of(address_texts, texts))
def test_the_address_gates_pass_every_text_an_address_pattern_matches(text):
    gates = pii._address_gates(text, text.lower())
    if pii._ADDRESS_EN.search(text):
        assert gates & pii._EN
    if pii._ADDRESS_OTHER.search(text):
        assert gates & pii._OTHER
    if pii._ADDRESS_DE.search(text):
        assert gates & pii._DE

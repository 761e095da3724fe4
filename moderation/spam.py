"""Spam: links off the allow-list, repeated identical messages, floods of short messages, mass mentions
and walls of capital letters. Repeats and floods are judged from the author's recent messages in the
room, which the hub passes in the context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from moderation.pii import Span
from moderation.verdict import RecentMessage
from moderation.word_index import TEXTSCAN

_TLDS = (
    "com|org|net|io|ly|gg|me|co|info|biz|xyz|app|de|fr|es|pt|br|uk|ru|tk|link|club|site|online|shop|top|tv|us|ca|"
    "au|eu|be|nl|it|ch|at|mx|ar|cl|live|store|win|click|cc|ws|to|ai|dev|page|pw|su|cn|in|onion"
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# What any match of _URL without a scheme or "www." ends in, found fast: "." is a literal the
# engine jumps to (see _earliest_link).
_DOT_TLD = re.compile(r"\.(?:" + _TLDS + r")\b", re.IGNORECASE)
# Case-insensitive matching is several times slower in `re`; ASCII text is lowered instead.
_DOT_TLD_LOWER = re.compile(r"\.(?:" + _TLDS + r")\b")
# The same TLDs for the C twin of _earliest_link (moderation/_textscan.c).
_TLD_TABLE = TEXTSCAN.word_starts(_TLDS.split("|")) if TEXTSCAN is not None else None
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# Both written literal first (`\.(?<=\w\.)` is `\w\.`, `@(?<![\w.]@)` is `(?<![\w.])@`): the engine
# then jumps from one "." or "@" to the next instead of trying every position of a long text.
_DOTTED = re.compile(r"\.(?<=\w\.)[A-Za-z]{2}")
_MENTION = re.compile(r"@(?<![\w.]@)(\w{1,32})")
_UPPER = re.compile(r"[A-ZÀ-ÞΑ-ΩА-Я]")
_LETTER = re.compile(r"[^\W\d_]")
# For ASCII text the two classes above are just A-Z and A-Za-z: counted by deleting them from the bytes,
# which is one C pass instead of a list of one-character matches.
_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LETTERS = _ASCII_UPPER + _ASCII_UPPER.lower()


@dataclass(frozen=True, slots=True)
class SpamSettings:
    """Thresholds for the spam checks; the defaults suit a conversational support room."""

    repeat_window_seconds: float = 600.0
    repeat_count: int = 2
    flood_window_seconds: float = 20.0
    flood_count: int = 5
    flood_max_chars: int = 30
    mention_limit: int = 5
    caps_min_letters: int = 40
    caps_ratio: float = 0.8


class SpamFinding(NamedTuple):
    """Reason codes found, and doubtful codes that only the strictest level acts on."""

    reasons: tuple[str, ...] = ()
    doubtful: tuple[str, ...] = ()


_NONE = SpamFinding()


class SpamDetector:
    """Judges one message against the allow-list and the author's recent messages."""

    def __init__(self, allowed_domains: Iterable[str] = (), settings: SpamSettings | None = None) -> None:
        self._domains = tuple(d.lower().lstrip(".") for d in allowed_domains)
        self.settings = settings or SpamSettings()

    def assess(self, text: str, recent: Sequence[RecentMessage] = (), pii: Sequence[Span] = ()) -> SpamFinding:
        """Spam reasons for a display text; links already redacted as personal information are skipped."""
        reasons: list[str] = []
        doubtful: list[str] = []
        s = self.settings
        # On the Python path, asked more than once below, each a pass over a long message: the lower
        # case (made when first needed) and whether "://" is in the text.
        lowered: str | None = None
        if TEXTSCAN is not None and text.isascii():
            # One C look at each ":" and "." (moderation/_textscan.c) instead of the searches below.
            if TEXTSCAN.dotted(text) or (":" in text and "://" in text):
                if self._has_link(text, pii, _earliest_link(text)):
                    reasons.append("spam_link")
        else:
            scheme = ":" in text and "://" in text
            if scheme or ("." in text and _DOTTED.search(text)):
                lowered = text.lower()
                if self._has_link(text, pii, _earliest_link(text, lowered, scheme)):
                    reasons.append("spam_link")
        if recent:
            repeats, flood = self._history(text, recent)
            if repeats >= s.repeat_count:
                reasons.append("spam_repeat")
            elif repeats:
                doubtful.append("doubtful_repeat")
            if flood:
                reasons.append("spam_flood")
        if "@" in text:
            mentions = _mention_count(text, max(s.mention_limit, 3))
            if mentions >= s.mention_limit:
                reasons.append("spam_mentions")
            elif mentions >= 3:
                doubtful.append("doubtful_mentions")
        # str.islower tests every character slowly; for ASCII text, comparing it with its lower case
        # says the same (has it a capital letter?) several times faster, and the C count of capitals
        # faster still.
        if len(text) >= s.caps_min_letters and (
            (TEXTSCAN is not None and text.isascii())
            or ((lowered or text.lower()) != text if text.isascii() else not text.islower())
        ):
            upper, letters = _count_caps(text, s.caps_min_letters * 0.6)
            if upper and letters >= s.caps_min_letters:
                ratio = upper / letters
                if ratio >= s.caps_ratio:
                    reasons.append("spam_caps")
                elif ratio >= 0.6:
                    doubtful.append("doubtful_caps")
        if not reasons and not doubtful:
            return _NONE
        return SpamFinding(tuple(reasons), tuple(doubtful))

    def _has_link(self, text: str, pii: Sequence[Span], start: int) -> bool:
        """Is there a link off the allow-list, not redacted already, at or after `start` (_earliest_link)?"""
        if start < 0:
            return False
        for m in _URL.finditer(text, start):
            if any(span.start <= m.start() < span.end for span in pii):
                continue
            host = _SCHEME.sub("", m.group()).split("/", 1)[0].split(":", 1)[0]
            host = host.lower().rstrip(".")
            if host.startswith("www."):
                host = host[4:]
            if not any(host == d or host.endswith("." + d) for d in self._domains):
                return True
        return False

    def _history(self, text: str, recent: Sequence[RecentMessage]) -> tuple[int, bool]:
        """How many recent messages repeat this one, and whether short messages are flooding."""
        s = self.settings
        key = _repeat_key(text)
        repeats = 0
        short = 0
        for message in recent:
            if message.age_seconds <= s.repeat_window_seconds and key and _repeat_key(message.text) == key:
                repeats += 1
            if message.age_seconds <= s.flood_window_seconds and len(message.text) <= s.flood_max_chars:
                short += 1
        flood = len(text) <= s.flood_max_chars and short >= s.flood_count
        return repeats, flood


def _earliest_link(text: str, lowered: str | None = None, scheme: bool | None = None) -> int:
    """Where a match of _URL can start at the earliest, or -1 if there is none: _URL tries every
    position, and in a long text most of them come before any link.

    Without a scheme or "www.", a link is labels and dots ending in a dot before a known TLD, so it
    starts no earlier than the run of letters, digits, "-" and "." that holds the first such dot.
    (For other text than ASCII, case-insensitive [a-z] also takes a few non-ASCII letters; it is
    scanned whole.) `lowered` and `scheme` are text.lower() and whether "://" is in the text, when
    the caller has them. For ASCII text its C twin answers (moderation/_textscan.c), lowering only
    the few bytes after each dot.
    """
    if _TLD_TABLE is not None:
        found = TEXTSCAN.link_start(text, _TLD_TABLE)
        if found is not None:
            return found  # type: ignore[no-any-return]
    if lowered is None:
        lowered = text.lower()
    if ("://" in text if scheme is None else scheme) or "www." in lowered:
        return 0
    first = _DOT_TLD_LOWER.search(lowered) if text.isascii() else _DOT_TLD.search(text)
    if first is None:
        return -1
    if not text.isascii():
        return 0
    at = first.start()
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] in ".-"):
        at -= 1
    return at


def _mention_count(text: str, enough: int) -> int:
    """How many distinct names, case aside, the text mentions with "@". For ASCII text one C look at
    each "@" (moderation/_textscan.c) counts them, no further than `enough`; callers only compare
    the count with thresholds up to it."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.mention_count(text, enough)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return len({m.lower() for m in _MENTION.findall(text)})


@lru_cache(maxsize=4096)
def _repeat_key(text: str) -> str:
    """What two messages must share to count as the same message: case and spacing aside.

    Cached because each recent message is compared again with every later message of its author.
    """
    return " ".join(text.lower().split())


def _count_caps(text: str, enough_upper: float) -> tuple[int, int]:
    """Capital letters in `text`, and all letters (counted only if there are `enough_upper` capitals)."""
    if TEXTSCAN is not None:
        counts = TEXTSCAN.letter_counts(text)
        if counts is not None:
            return counts if counts[0] >= enough_upper else (counts[0], 0)  # type: ignore[no-any-return]
    if text.isascii():
        data = text.encode("ascii")
        upper = len(data) - len(data.translate(None, _ASCII_UPPER))
        return upper, (len(data) - len(data.translate(None, _ASCII_LETTERS)) if upper >= enough_upper else 0)
    upper = len(_UPPER.findall(text))
    return upper, (len(_LETTER.findall(text)) if upper >= enough_upper else 0)

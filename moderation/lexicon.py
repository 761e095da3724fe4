"""Phrase lists compiled into one fast matcher over the squeezed matching form.

Phrase lists are written the way people type, in a tiny grammar, and expanded at import:

- words are separated by spaces;
- ``(a|b|c)`` picks one alternative, ``(a|)`` makes a part optional, groups nest;
- a trailing ``*`` on the last word lets any letters follow ("suicid*" matches "suicidal");
- ``<NAME>`` stands for a named list of alternatives (a macro) that is compiled once and not
  multiplied out, which keeps big cross products ("take all my <PILLS>") cheap to build.

Every expanded phrase goes through the same folding as messages, so a list never has to spell
accents, apostrophes or doubled letters. Phrases are grouped by their first letters, and each group
becomes one regex shaped like a trie; one C-level scan finds the few words where a group can start,
which keeps a list of tens of thousands of expanded phrases at a couple of microseconds per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Protocol

from moderation.normalize import fold, squeeze
from moderation.word_index import INDEX, TEXTSCAN, WordIndex

_WILDCARD = "\x00"
WORD_END = "\x01"  # in a phrase: the word before it must end there
_MACRO_BASE = 0xF0000  # private-use code points stand for macros inside expanded phrases
_MACRO = re.compile(r"<([A-Z_]+)>")

# Words too common to decide whether a phrase list could match a message. Every phrase is anchored
# on its first word not in this list, and a message is only scanned when it holds an anchor.
_COMMON = (
    "i im ive id ill a an the to my me and or but have has had been be am are is was were it its you your of in on "
    "for so just really now not no do does did dont will would could should can cant need think thought about what "
    "when they we he she there one out up time day today know some more this that these those with like feel feeling "
    "get got go going gonna want wanna wanted at all as if by from very too much still again ever even never yo "
    "me mi de la el en que y un una lo los las por con se ya ich du und der das zu ein eine nicht mich mir es "
    "je tu et le les des un une pas ne me mon ma en eu o os um uma e do da em nao que "
    "honestly actually finally literally simply here everyone everybody better thanks thank people help helps "
    "talk talking good bad lot little well right make made back home work always something nothing anything "
    "everything someone anyone over off ok okay yeah yes how why who"
)
_WORD_AFTER = r"(?![a-z0-9*])"
_KEY_LETTERS = 4


class Hit(NamedTuple):
    """One phrase found in a message: its label and where it sits in the squeezed text."""

    label: str
    start: int
    end: int


def expand(pattern: str) -> list[str]:
    """Expand one phrase pattern into every literal phrase it stands for."""
    results = [""]
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "(":
            depth, j = 1, i + 1
            while depth:
                if j >= len(pattern):
                    raise ValueError(f"unbalanced parenthesis in phrase {pattern!r}")
                depth += {"(": 1, ")": -1}.get(pattern[j], 0)
                j += 1
            options = [alt for part in _split_top(pattern[i + 1 : j - 1]) for alt in expand(part)]
            results = [r + o for r in results for o in options]
            i = j
        else:
            results = [r + ch for r in results]
            i += 1
    return results


def _split_top(body: str) -> list[str]:
    """Split a group body on the `|` that are not nested inside another group."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(body[start:k])
            start = k + 1
    parts.append(body[start:])
    return parts


def canonical(phrase: str) -> str:
    """The squeezed matching form of one literal phrase, with wildcard and macro markers kept."""
    parts = re.split("([\U000f0000-\U000f00ff])", phrase)
    out = []
    for part in parts:
        if len(part) == 1 and ord(part) >= _MACRO_BASE:
            out.append(part)
            continue
        wildcard = part.rstrip().endswith("*")
        folded, *_ = fold(" ".join(part.replace("*", " ").split()))
        text = squeeze(folded) + (_WILDCARD if wildcard else "")
        if not text:
            # Keep the space between two macros, or between a macro and the words around it.
            out.append(" " if part[:1] == " " else "")
            continue
        if out and part[:1] == " ":
            text = " " + text
        if part[-1:] == " ":
            text += " "
        out.append(text)
    return "".join(out).strip(" ")


def trie_regex(
    phrases: Iterable[str], macros: Mapping[str, str] | None = None, *, word_end: str = _WORD_AFTER
) -> str:
    """A regex that matches exactly the given phrases, factored by common prefixes, so the engine tries
    one branch per character instead of every phrase in turn. In a phrase, WORD_END stands for
    `word_end`: the word before it must end there."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        if list(node) == [""]:
            return ""
        alternatives, optional = [], False
        for ch in sorted(node):
            if ch == "":
                optional = True
            elif ch == WORD_END:
                alternatives.append(word_end + build(node[ch]))
            elif macros and ch in macros:
                alternatives.append(macros[ch] + build(node[ch]))
            elif ch == _WILDCARD:
                alternatives.append("[a-z]*" + build(node[ch]))
            elif ch == " ":
                # Optional so that words glued together by spaced-letter folding still match.
                alternatives.append(" ?" + build(node[ch]))
            else:
                alternatives.append(re.escape(ch) + build(node[ch]))
        if len(alternatives) == 1 and not optional:
            return alternatives[0]
        body = "(?:" + "|".join(alternatives) + ")"
        return body + "?" if optional else body

    return build(trie)


class PhraseMatcher:
    """Finds labelled phrases in the squeezed form of a message, without overlaps.

    Phrases are grouped by their first few letters (a key, see `_key`), and each group is one small
    trie regex; one scan finds the words where a key starts, and only there does a group's regex
    run. At one position the labels are tried in the order given and the first label with a
    phrase there wins, taking its longest phrase; so list specific labels (negated forms, methods)
    before general ones (time words, contrast words).
    """

    def __init__(
        self, lists: Mapping[str, Iterable[str]], macros: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        names = {name: chr(_MACRO_BASE + i) for i, name in enumerate(macros or {})}
        macro_regex: dict[str, str] = {}
        macro_phrases: dict[str, set[str]] = {}
        for name, alternatives in (macros or {}).items():
            phrases = {canonical(p) for pattern in alternatives for p in expand(pattern)} - {""}
            macro_regex[names[name]] = "(?:" + trie_regex(phrases) + ")"
            macro_phrases[names[name]] = phrases
        common = {canonical(w) for w in _COMMON.split()}
        phrases_by_key: dict[str, dict[int, set[str]]] = {}
        anchors_by_label: dict[str, set[tuple[str, frozenset[str]]]] = {}
        self._labels: list[str] = []
        for label, patterns in lists.items():
            index = len(self._labels)
            self._labels.append(label)
            anchors = anchors_by_label.setdefault(label, set())
            for pattern in patterns:
                for raw in expand(_MACRO.sub(lambda m: names[m.group(1)], pattern)):
                    phrase = canonical(raw)
                    if not phrase:
                        continue
                    anchors |= _anchors(phrase, macro_phrases, common)
                    starts = macro_phrases[phrase[0]] if phrase[0] in macro_phrases else ("",)
                    for start in starts:
                        full = start + phrase[1:] if start else phrase
                        phrases_by_key.setdefault(_key(full), {}).setdefault(index, set()).add(full)
        groups_by_key = _prefix_free(phrases_by_key)

        # Words run together are matched as if spaced ("wantto die"), except a first word of fewer
        # than four letters, which must stand alone: "f u" is an insult, the "fu" of "kung fu" is
        # not. Glued text (spaced-letter folding) has lost its word boundaries, so there it may run on.
        self._macro_regex = macro_regex
        self._by_key: dict[str, re.Pattern[str]] = {}
        self._glued_by_key: dict[str, re.Pattern[str]] = {}
        self._glued_pending: dict[str, dict[int, set[str]]] = {}
        for key, groups in groups_by_key.items():
            strict = {i: {_short_head_alone(p) for p in phrases} for i, phrases in groups.items()}
            if strict == groups:
                self._by_key[key] = self._glued_by_key[key] = self._compile(groups)
            else:
                self._by_key[key] = self._compile(strict)
                # Glued text is rare, so its own variant is compiled on first use: that keeps a
                # second copy of many groups out of every process's start-up.
                self._glued_pending[key] = groups
        # Finds where a phrase can start in one C-level scan, so long messages cost little Python
        # work. A key is up to the first _KEY_LETTERS letters of a phrase, across words: a key of one
        # short common word ("i") would make nearly every message a candidate at nearly every "i".
        # Letters may be spaced apart or run together, as the phrase regexes allow, and the scan
        # only looks ahead, so a failed candidate never hides a phrase starting in its next word.
        # The matching forms hold only [a-z0-9@*#.] and single spaces, so a word starts at the
        # beginning or after a space: the scan runs over the text with a space in front, and a
        # pattern that starts with a literal lets the regex engine skip ahead between spaces.
        keys = trie_regex(" ".join(key) for key in groups_by_key)
        self._starts = re.compile(" (?=(" + keys + "))") if keys else None
        # The same scan for ASCII text in C (moderation/_textscan.c), which looks only at word starts
        # whose first two letters open some key: `re` tries the whole pattern at every space.
        self._key_table: Any = TEXTSCAN.word_starts(sorted(groups_by_key)) if TEXTSCAN and groups_by_key else None
        self._anchors_by_label = anchors_by_label
        self._label_of = {f"g{i}": label for i, label in enumerate(self._labels)}

    def _compile(self, groups: Mapping[int, set[str]]) -> re.Pattern[str]:
        """One group's regex: a named alternative per label, in label order, each a trie of phrases."""
        alternatives = (f"(?P<g{i}>{trie_regex(groups[i], self._macro_regex)})" for i in sorted(groups))
        return re.compile("(?:" + "|".join(alternatives) + ")" + _WORD_AFTER)

    def _glued(self, key: str) -> re.Pattern[str]:
        regex = self._glued_by_key[key] = self._compile(self._glued_pending.pop(key))
        return regex

    def gate(self, *labels: str) -> Gate:
        """A cheap test for "could a phrase of these labels be in this text at all?", built once per caller."""
        alone: set[str] = set()
        prefix: set[str] = set()
        paired: dict[str, set[frozenset[str]]] = {}
        for label in labels:
            for anchor, others in self._anchors_by_label.get(label, ()):
                if anchor.endswith(_WILDCARD):
                    prefix.add(_head(anchor))
                elif others:
                    paired.setdefault(anchor, set()).add(others)
                else:
                    alone.add(anchor)
        pairs: dict[str, dict[str, tuple[frozenset[str], ...]]] = {}
        for anchor, options in paired.items():
            if anchor in alone:
                continue  # the anchor suffices alone
            # Each set of other words is filed under its longest word, so a message only tests the
            # sets whose longest word it holds, however many phrases share the anchor.
            by_word: dict[str, list[frozenset[str]]] = {}
            for option in sorted(options, key=sorted):
                by_word.setdefault(max(sorted(option), key=len), []).append(option)
            pairs[anchor] = {word: tuple(found) for word, found in by_word.items()}
        return Gate(frozenset(alone), frozenset(prefix), pairs)

    def find(self, squeezed: str, glued: bool = False) -> list[Hit]:
        """Every phrase in the text, in order. `glued`: words may be run together (spaced-letter folding)."""
        hits: list[Hit] = []
        if self._starts is None:
            return hits
        label_of, by_key = self._label_of, self._glued_by_key if glued else self._by_key
        end = 0
        for position, key in self._key_starts(squeezed):
            if position < end:
                continue
            match = (by_key.get(key) or self._glued(key)).match(squeezed, position)
            if match:
                end = match.end()
                hits.append(Hit(label_of[match.lastgroup], position, end))  # type: ignore[index]
        return hits

    def _key_starts(self, squeezed: str) -> list[tuple[int, str]]:
        """Every word start of the text where a key begins, with the key (its letters without spaces)."""
        if self._key_table is not None:
            found = TEXTSCAN.key_starts(squeezed, self._key_table)
            if found is not None:
                return found  # type: ignore[no-any-return]
        # In the padded text a match starts at the space in front of a word, which is the word's
        # own position in `squeezed`.
        assert self._starts is not None
        return [(m.start(), m.group(1).replace(" ", "")) for m in self._starts.finditer(" " + squeezed)]


class WordsOf(Protocol):
    """What a gate reads of a message (`Normalized` has it): its squeezed words, with the words that
    may be run together in spaced-out letters it joined, and their word-index mask."""

    gate_words: frozenset[str]
    mask: int


class Gate:
    """Could a phrase of the chosen labels be in a message at all?

    Anchors are whole words, or four-letter prefixes where a phrase ends in a wildcard; a message
    without any anchor cannot match, so the caller can skip `PhraseMatcher.find`. The anchors live
    in the shared `WordIndex`, so a message's words are looked up once for every gate. Built once at
    import (`PhraseMatcher.gate`).
    """

    __slots__ = ("_open", "_paired", "_pairs", "_anchors")

    def __init__(
        self,
        exact: frozenset[str],
        prefix: frozenset[str],
        pairs: Mapping[str, Mapping[str, tuple[frozenset[str], ...]]] | None = None,
        index: WordIndex = INDEX,
    ) -> None:
        self._open = index.new_bit()
        index.add_words(exact, self._open)
        index.add_prefixes(prefix, self._open)
        # Anchor word -> the other words a phrase with that anchor also needs ("notice" of "no one
        # would notice" needs "no", "one" and "would"): ordinary support talk is full of "notice",
        # "tired" and "nobody", and this keeps most of it away from the phrase scans.
        self._pairs = {anchor: (frozenset(by_word), dict(by_word)) for anchor, by_word in (pairs or {}).items()}
        self._anchors = frozenset(self._pairs)
        self._paired = index.new_bit() if self._pairs else 0
        index.add_words(self._anchors, self._paired)
        # A message's word set holds only words some stage asks about: these are asked about too.
        index.add_lookups(word for _, by_word in self._pairs.values() for options in by_word.values()
                          for option in options for word in option)

    def admits(self, message: WordsOf) -> bool:
        """True when the message holds an anchor of the gate (with the words it must come with)."""
        mask = message.mask
        if mask & self._open:
            return True
        if not mask & self._paired:
            return False
        words = message.gate_words
        for anchor in self._anchors.intersection(words):
            keys, by_word = self._pairs[anchor]
            for word in keys.intersection(words):
                if any(map(words.issuperset, by_word[word])):
                    return True
        return False


def _anchors(
    phrase: str, macro_phrases: Mapping[str, set[str]], common: set[str]
) -> set[tuple[str, frozenset[str]]]:
    """The gate of a phrase: pairs of an anchor word (a trailing wildcard marks a prefix) and the other
    words a text must also hold; a text can only match if it passes one pair.

    The anchor is the phrase's first uncommon word, paired with its other plain words; else, when
    every word is plain, the longest, paired with the others; else, for the first macro whose every
    alternative has an uncommon word, those words; else every word it could contain.
    """
    words = [w for w in phrase.split(" ") if w]

    def uncommon(word: str) -> bool:
        return word[0] not in macro_phrases and word.rstrip(_WILDCARD) not in common

    rare = [word for word in words if uncommon(word)]
    if rare:
        plain = frozenset(w for w in words if not w.endswith(_WILDCARD) and not any(ord(c) >= _MACRO_BASE for c in w))
        anchor = rare[0]
        if anchor in plain:
            # Every plain word is required either way; which one is looked up decides only how
            # often the requirement is checked, so take the likeliest rare one: the longest, and
            # never a sentence mark ("." stands between sentences of half the messages).
            anchor = max((w for w in rare if w in plain), key=lambda w: (w != ".", len(w)))
        return {(anchor, plain - {anchor})}
    if words and all(w[0] not in macro_phrases and not w.endswith(_WILDCARD) for w in words):
        # Only common words ("want it all to be over"): any one alone would open the gate for nearly
        # every message, but all of them are required, so the longest stands paired with the rest.
        anchor = max(words, key=lambda w: (w != ".", len(w)))
        return {(anchor, frozenset(words) - {anchor})}
    for word in words:
        if word[0] in macro_phrases:
            keys = set()
            for alternative in macro_phrases[word[0]]:
                found = next((w for w in alternative.split(" ") if w and uncommon(w)), None)
                if found is None:
                    break
                keys.add(found)
            else:
                return {(key, frozenset()) for key in keys}
    keys = {w for w in words if w[0] not in macro_phrases}
    for word in words:
        if word[0] in macro_phrases:
            keys |= {w for alternative in macro_phrases[word[0]] for w in alternative.split(" ") if w}
    return {(key, frozenset()) for key in keys}


def _key(phrase: str) -> str:
    """The scan key of a phrase: its first letters, across words, up to a wildcard, a macro or
    _KEY_LETTERS letters, without spaces. Every text the phrase matches starts with these letters."""
    letters: list[str] = []
    for ch in phrase:
        if ch == " ":
            continue
        if ch == _WILDCARD or ord(ch) >= _MACRO_BASE or len(letters) == _KEY_LETTERS:
            break
        letters.append(ch)
    if not letters:
        raise ValueError(f"a phrase must start with a letter, not a wildcard or a second macro: {phrase!r}")
    return "".join(letters)


def _short_head_alone(phrase: str) -> str:
    """The phrase with a word end required after its first word when that word is under four letters."""
    head, space, rest = phrase.partition(" ")
    if not space or len(head) >= 4 or head.endswith(_WILDCARD) or any(ord(ch) >= _MACRO_BASE for ch in head):
        return phrase
    return head + WORD_END + space + rest


def _prefix_free(phrases_by_key: Mapping[str, dict[int, set[str]]]) -> dict[str, dict[int, set[str]]]:
    """Merge every key into the shortest other key it starts with, so that at most one key matches
    at any position and its group holds every phrase that could start there."""
    merged: dict[str, dict[int, set[str]]] = {}
    for key in sorted(phrases_by_key, key=len):
        owner = next((key[:n] for n in range(1, len(key) + 1) if key[:n] in merged), key)
        groups = merged.setdefault(owner, {})
        for index, phrases in phrases_by_key[key].items():
            groups.setdefault(index, set()).update(phrases)
    return merged


def _head(phrase: str) -> str:
    """The gate key of a phrase: the first four letters of its first word."""
    head = phrase.split(" ", 1)[0]
    if head.endswith(_WILDCARD):
        head = head[:-1]
        if len(head) < 4:
            raise ValueError(f"a wildcard needs four letters before it: {phrase!r}")
    return head[:4]


class WordSet:
    """Single words, matched whole against a message's tokens.

    Words without doubled letters are compared in squeezed form, so stretching ("fuuuck") does not
    hide them. Words with doubled letters are compared in folded form, because squeezing would make
    some of them collide with ordinary words ("ass" -> "as", "coon" -> "con").
    """

    def __init__(self, words: Iterable[str]) -> None:
        squeezed, exact = set(), set()
        for pattern in words:
            for word in expand(pattern):
                folded, *_ = fold(word)
                if " " in folded or not folded:
                    raise ValueError(f"a word set holds single words only: {word!r}")
                if squeeze(folded) == folded:
                    squeezed.add(folded)
                else:
                    exact.add(folded)
        self.squeezed = frozenset(squeezed)
        self.exact = frozenset(exact)

    def has(self, squeezed: str, folded: str) -> bool:
        """Is this token (given in both forms) one of the words?"""
        return squeezed in self.squeezed or folded in self.exact


def word_set(words: Iterable[str]) -> WordSet:
    """Build a `WordSet` from patterns in the phrase grammar."""
    return WordSet(words)

"""Phrase lists compiled into one fast matcher over the squeezed matching form.

Phrase lists are written the way people type, in a tiny grammar, and expanded at import:

- words are separated by spaces;
- ``(a|b|c)`` picks one alternative, ``(a|)`` makes a part optional, groups nest;
- a trailing ``*`` on the last word lets any letters follow ("suicid*" matches "suicidal");
- ``<NAME>`` stands for a named list of alternatives (a macro) that is compiled once and not
  multiplied out, which keeps big cross products ("take all my <PILLS>") cheap to build.

Every expanded phrase goes through the same folding as messages, so a list never has to spell
accents, apostrophes or doubled letters. All phrases of a matcher become one regex shaped like a
trie: Python's ``re`` then fails fast at positions where no phrase can start, which keeps a
several-hundred-phrase list at a couple of microseconds per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from moderation.normalize import fold, squeeze

_WILDCARD = "\x00"
_WORD_END = "\x01"  # in a trie of gate keys: the key is a whole short word
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


@dataclass(frozen=True, slots=True)
class Hit:
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


def _trie_regex(phrases: Iterable[str], macros: Mapping[str, str] | None = None) -> str:
    """A regex that matches exactly the given phrases, factored by common prefixes."""
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
            elif ch == _WORD_END:
                alternatives.append(_WORD_AFTER + build(node[ch]))
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

    Phrases are grouped by the first four letters of their first word, and each group is one small
    trie regex; a message is scanned word by word and only words that can start a phrase run a
    regex. At one position the labels are tried in the order given and the first label with a
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
            macro_regex[names[name]] = "(?:" + _trie_regex(phrases) + ")"
            macro_phrases[names[name]] = phrases
        common = {canonical(w) for w in _COMMON.split()}
        by_head: dict[str, dict[int, set[str]]] = {}
        heads_by_label: dict[str, set[str]] = {}
        anchors_by_label: dict[str, set[str]] = {}
        self._labels: list[str] = []
        for label, patterns in lists.items():
            index = len(self._labels)
            self._labels.append(label)
            heads = heads_by_label.setdefault(label, set())
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
                        head = _head(full)
                        heads.add(head)
                        by_head.setdefault(head, {}).setdefault(index, set()).add(full)
        self._by_head = {
            head: re.compile(
                "(?:"
                + "|".join(f"(?P<g{i}>{_trie_regex(groups[i], macro_regex)})" for i in sorted(groups))
                + ")"
                + _WORD_AFTER
            )
            for head, groups in by_head.items()
        }
        self._heads_by_label = {label: frozenset(h) for label, h in heads_by_label.items()}
        # Finds the words that can start a phrase in one C-level scan, so long messages cost little
        # Python work: a key of four letters starts any longer word, a shorter key is a whole word.
        keys = {key if len(key) == 4 else key + _WORD_END for key in by_head}
        self._starts = re.compile(r"(?<![a-z0-9@*#])" + _trie_regex(keys)) if keys else None
        # With glued words a phrase may start at any word whose first one to four letters are a key.
        # One C-level scan finds those words, so the Python loop runs only where a regex could match.
        self._glued_starts = re.compile(r"(?<![^ ])(?=" + _trie_regex(by_head) + ")") if by_head else None
        self._gates: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {}
        self._anchors_by_label = {
            label: (
                frozenset(a for a in anchors if not a.endswith(_WILDCARD)),
                frozenset(_head(a) for a in anchors if a.endswith(_WILDCARD)),
            )
            for label, anchors in anchors_by_label.items()
        }

    def anchored(self, words: frozenset[str], labels: tuple[str, ...]) -> bool:
        """Cheap test: does the text hold an uncommon word of some phrase of these labels?

        Anchors are whole words, or four-letter prefixes where a phrase ends in a wildcard. A text
        without any anchor cannot match, so the caller can skip `find`.
        """
        gate = self._gates.get(labels)
        if gate is None:
            exact = frozenset().union(*(self._anchors_by_label.get(l, (frozenset(),))[0] for l in labels))
            prefix = frozenset().union(*(self._anchors_by_label.get(l, (frozenset(), frozenset()))[1] for l in labels))
            gate = self._gates[labels] = (exact, prefix)
        exact, prefix = gate
        if not exact.isdisjoint(words):
            return True
        return bool(prefix) and not prefix.isdisjoint({w[:4] for w in words})

    def find(self, squeezed: str, glued: bool = False) -> list[Hit]:
        """Every phrase in the text, in order. `glued`: words may be run together (spaced-letter folding)."""
        hits: list[Hit] = []
        labels, by_head = self._labels, self._by_head
        if not glued:
            if self._starts is None:
                return hits
            end = 0
            for start in self._starts.finditer(squeezed):
                position = start.start()
                if position < end:
                    continue
                # What the scan matched is the key itself: four letters, or a whole shorter word.
                match = by_head[start.group()].match(squeezed, position)
                if match:
                    hits.append(Hit(labels[int(match.lastgroup[1:])], position, match.end()))  # type: ignore[index]
                    end = match.end()
            return hits
        if self._glued_starts is None:
            return hits
        end = 0
        for start in self._glued_starts.finditer(squeezed):
            position = start.start()
            if position < end:
                continue
            # Longest key first, as before; a slice that runs past the word holds a space and is no key.
            for size in (4, 3, 2, 1):
                regex = by_head.get(squeezed[position : position + size])
                match = regex.match(squeezed, position) if regex else None
                if match:
                    hits.append(Hit(labels[int(match.lastgroup[1:])], position, match.end()))  # type: ignore[index]
                    end = match.end()
                    break
        return hits


def _anchors(phrase: str, macro_phrases: Mapping[str, set[str]], common: set[str]) -> set[str]:
    """The gate words of a phrase (a trailing wildcard marks a prefix): its first uncommon word; else, for the first macro whose every
    alternative has an uncommon word, those words; else every word it could contain."""
    words = [w for w in phrase.split(" ") if w]

    def uncommon(word: str) -> bool:
        return word[0] not in macro_phrases and word.rstrip(_WILDCARD) not in common

    for word in words:
        if uncommon(word):
            return {word}
    for word in words:
        if word[0] in macro_phrases:
            keys = set()
            for alternative in macro_phrases[word[0]]:
                found = next((w for w in alternative.split(" ") if w and uncommon(w)), None)
                if found is None:
                    break
                keys.add(found)
            else:
                return keys
    keys = {w for w in words if w[0] not in macro_phrases}
    for word in words:
        if word[0] in macro_phrases:
            keys |= {w for alternative in macro_phrases[word[0]] for w in alternative.split(" ") if w}
    return keys


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

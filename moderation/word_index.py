"""One index over every word the stages' gates look for, so a message is looked up once, not once per gate.

A gate answers "could this list match this message at all?" from the message's squeezed words. With
a dozen gates over thousands of words, asking each gate separately touched each big word set again
for every message. Here every gate gets bits in one table: a word's entry says which gates it opens
outright (an anchor word, a word starting with an anchor prefix, or one containing an infix such
as "fuck") and which gates it opens only together with other words (a paired anchor, checked by the
gate itself). A message's mask is the OR of its words' entries, found with set intersections (the
message's distinct words against the indexed words, their first letters against the prefixes) and
a search for the infixes (one C pass for all of them when compiled), so its cost hardly grows with the number of words: a long message of
novel words (noise, code) costs no Python step per word. Gates register at import, before any
message is judged.

The words a message is described by are only those some stage may ask about: the indexed words,
and the words registered with `add_lookups` (the other words of a paired anchor's phrases, the
platform names personal-information checks look for). A 1 KB message of noise holds about 180
distinct words, nearly none of them in any list; with the compiled C passes they are looked up by
their bytes and never become Python objects.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import moderation

PREFIX_LETTERS = 4

# The C passes over ASCII text (moderation/_textscan.c), used with the compiled modules: built
# together, and only ever used together (moderation/compiled.py).
TEXTSCAN: Any = importlib.import_module("moderation._textscan") if moderation.COMPILED else None


def word_sets(text: str, prefix_letters: int = PREFIX_LETTERS) -> tuple[frozenset[str], frozenset[str]]:
    """The distinct words of `text` (words one space apart) and their first `prefix_letters` letters
    (none when it is 0). Only needed while some gate has a prefix (none does today), so not in C."""
    words = frozenset(text.split(" "))
    return words, frozenset([word[:prefix_letters] for word in words] if prefix_letters else ())


class WordIndex:
    """Bits per word for every registered gate; see the module docstring."""

    __slots__ = (
        "_exact", "_exact_words", "_prefix", "_prefixes", "_infixes", "_bits", "_longest", "_lookups",
        "_vocabulary", "_table", "_piece_table", "_infix_table",
    )

    def __init__(self) -> None:
        self._exact: dict[str, int] = {}
        self._prefix: dict[str, int] = {}
        # The keys of the two tables above, as sets to intersect a message's words with.
        self._exact_words: frozenset[str] = frozenset()
        self._prefixes: frozenset[str] = frozenset()
        self._infixes: list[tuple[str, int]] = []
        self._longest = 0
        self._bits = 0
        # Words looked up without a bit of their own; with the indexed words, the vocabulary.
        self._lookups: frozenset[str] = frozenset()
        self._vocabulary: frozenset[str] = frozenset()
        # The vocabulary as the C table `known_words` reads, with the gate bits of its indexed words,
        # made on first use after a change; and the same with the infixes, for `known_pieces`.
        self._table: Any = None
        self._piece_table: Any = None
        # The infixes with their bits, as the C table `needle_bits` reads.
        self._infix_table: Any = None

    def new_bit(self) -> int:
        """A bit no other gate uses."""
        bit = 1 << self._bits
        self._bits += 1
        return bit

    def add_words(self, words: Iterable[str], bit: int) -> None:
        """Any of `words` (squeezed, whole) sets `bit`."""
        for word in words:
            self._exact[word] = self._exact.get(word, 0) | bit
            self._longest = max(self._longest, len(word))
        self._exact_words = frozenset(self._exact)
        self._changed()

    def add_lookups(self, words: Iterable[str]) -> None:
        """Words a stage asks a message's word set about without a gate bit of their own (the other
        words of a paired anchor's phrases): only registered words are ever in that set."""
        self._lookups = self._lookups.union(words)
        self._changed()

    def _changed(self) -> None:
        self._vocabulary = self._exact_words | self._lookups
        self._table = self._piece_table = None

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word a message's word set may hold: the indexed words and the registered lookups."""
        return self._vocabulary

    def add_prefixes(self, prefixes: Iterable[str], bit: int) -> None:
        """Any word starting with one of `prefixes` (at most PREFIX_LETTERS long) sets `bit`."""
        for prefix in prefixes:
            if len(prefix) > PREFIX_LETTERS:
                raise ValueError(f"a prefix is at most {PREFIX_LETTERS} letters: {prefix!r}")
            self._prefix[prefix] = self._prefix.get(prefix, 0) | bit
        self._prefixes = frozenset(self._prefix)

    def add_infixes(self, infixes: Iterable[str], bit: int) -> None:
        """Any word containing one of `infixes` sets `bit` (keep these few: each is tried on every new word)."""
        for infix in infixes:
            if not infix or " " in infix:
                # An infix is looked for in the whole text, which only equals looking in each word
                # if it cannot span two words.
                raise ValueError(f"an infix is a non-empty piece of one word: {infix!r}")
            self._infixes.append((infix, bit))
            self._longest = max(self._longest, len(infix))
        self._piece_table = self._infix_table = None

    def pieces(self, token: str) -> set[str]:
        """Every piece of `token` as long as an indexed word can be: the words that may be run together
        in letters that were spaced out and joined ("k i l l m y s e l f" -> "kilmyself")."""
        size, longest = len(token), self._longest
        return {
            token[start:end] for start in range(size) for end in range(start + 1, min(size, start + longest) + 1)
        }

    def mask_of_pieces(self, pieces: frozenset[str]) -> int:
        """The bits of `pieces` (see `pieces`), without remembering them: they are mostly not words,
        so they are intersected with the indexed words rather than each looked up."""
        exact, prefix = self._exact, self._prefix
        mask = 0
        for piece in pieces.intersection(self._exact_words):
            mask |= exact[piece]
        for piece in pieces.intersection(self._prefixes):
            mask |= prefix[piece]
        for infix, bit in self._infixes:
            if infix in pieces:
                mask |= bit
        return mask

    def known_pieces(self, runs: list[str], base: frozenset[str] = frozenset()) -> tuple[frozenset[str], int] | None:
        """For letters that were spaced out and joined (`runs`, each of words one space apart, as
        normalize joined them): the vocabulary's words among the pieces of their squeezed words
        (`pieces`) with the words of `base` (the message's own), and the bits of all those pieces
        (`mask_of_pieces`), found by one C pass. None where that pass does not serve (not
        compiled, prefixes, or more than 64 bits); the caller then squeezes the words and takes
        `pieces` itself."""
        if TEXTSCAN is None or self._prefixes or self._bits > 64:
            return None
        if self._piece_table is None:
            # The infixes are pieces too, with their bits, but never words: the table keeps them silent.
            bits = dict(self._exact)
            for infix, bit in self._infixes:
                bits[infix] = bits.get(infix, 0) | bit
            silent = sorted(set(bits) - self._vocabulary)
            self._piece_table = TEXTSCAN.vocabulary(sorted(self._vocabulary.union(bits)), bits, silent)
        return TEXTSCAN.known_pieces(runs, self._piece_table, self._longest, base)  # type: ignore[no-any-return]

    def _vocabulary_table(self) -> Any:
        if self._table is None:
            # Bits are kept in 64 bits in C; with more gates they are looked up here instead.
            self._table = TEXTSCAN.vocabulary(sorted(self._vocabulary), self._exact if self._bits <= 64 else {})
        return self._table

    def known_words(self, text: str) -> frozenset[str]:
        """The distinct words of `text` (words one space apart) that the vocabulary holds."""
        if TEXTSCAN is not None:
            found = TEXTSCAN.known_words(text, self._vocabulary_table())
            if found is not None:
                return found  # type: ignore[no-any-return]
        return frozenset(text.split(" ")).intersection(self._vocabulary)

    def words_and_mask(self, text: str) -> tuple[frozenset[str], int]:
        """The distinct words of `text` (words one space apart) that the vocabulary holds, and the
        OR of the bits of all its words."""
        if self._prefixes:
            # Any word may start with a prefix, so every word is collected (no gate has one today).
            every, prefixes = word_sets(text, PREFIX_LETTERS)
            words = every.intersection(self._vocabulary)
            mask = self._bits_of(words)
            for start in prefixes & self._prefixes:
                mask |= self._prefix[start]
        else:
            # The words and their bits in one C pass where it serves.
            found = (
                TEXTSCAN.words_and_bits(text, self._vocabulary_table())
                if TEXTSCAN is not None and self._bits <= 64 else None
            )
            if found is not None:
                words, mask = found
            else:
                words = self.known_words(text)
                mask = self._bits_of(words)
        return words, mask | self._infix_bits(text)

    def _infix_bits(self, text: str) -> int:
        """The bits of the infixes `text` holds: for ASCII text one C pass for all of them, which
        compares 16 bytes at a time with their first two letters (moderation/_textscan.c)."""
        if TEXTSCAN is not None and self._bits <= 64 and self._infixes:
            if self._infix_table is None:
                bits: dict[str, int] = {}
                for infix, bit in self._infixes:
                    bits[infix] = bits.get(infix, 0) | bit
                self._infix_table = TEXTSCAN.word_starts(sorted(bits), bits)
            found = TEXTSCAN.needle_bits(text, self._infix_table)
            if found is not None:
                return found  # type: ignore[no-any-return]
        mask = 0
        for infix, bit in self._infixes:
            if not mask & bit and infix in text:
                mask |= bit
        return mask

    def _bits_of(self, words: frozenset[str]) -> int:
        exact = self._exact
        mask = 0
        for word in words:
            mask |= exact.get(word, 0)
        return mask

INDEX = WordIndex()

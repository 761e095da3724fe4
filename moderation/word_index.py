"""One index over every word the stages' gates look for, so a message is looked up once, not once per gate.

A gate answers "could this list match this message at all?" from the message's squeezed words. With
a dozen gates over thousands of words, asking each gate separately touched each big word set again
for every message. Here every gate gets bits in one table: a word's entry says which gates it opens
outright (an anchor word, a word starting with an anchor prefix, or one containing an infix such
as "fuck") and which gates it opens only together with other words (a paired anchor, checked by the
gate itself). A message's mask is the OR of its words' entries, found with one dictionary lookup per
distinct word; each gate then tests a bit.

The entries of words seen before are remembered (chat reuses a small vocabulary); the memo starts
afresh past a size limit. Gates register at import, before any message is judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

PREFIX_LETTERS = 4


class WordIndex:
    """Bits per word for every registered gate; see the module docstring."""

    __slots__ = ("_exact", "_prefix", "_infixes", "_bits", "_memo", "_memo_limit", "_longest")

    def __init__(self, memo_limit: int = 50_000) -> None:
        self._exact: dict[str, int] = {}
        self._prefix: dict[str, int] = {}
        self._infixes: list[tuple[str, int]] = []
        self._longest = 0
        self._bits = 0
        self._memo: dict[str, int] = {}
        self._memo_limit = memo_limit

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
        self._memo = {}

    def add_prefixes(self, prefixes: Iterable[str], bit: int) -> None:
        """Any word starting with one of `prefixes` (at most PREFIX_LETTERS long) sets `bit`."""
        for prefix in prefixes:
            if len(prefix) > PREFIX_LETTERS:
                raise ValueError(f"a prefix is at most {PREFIX_LETTERS} letters: {prefix!r}")
            self._prefix[prefix] = self._prefix.get(prefix, 0) | bit
        self._memo = {}

    def add_infixes(self, infixes: Iterable[str], bit: int) -> None:
        """Any word containing one of `infixes` sets `bit` (keep these few: each is tried on every new word)."""
        for infix in infixes:
            self._infixes.append((infix, bit))
            self._longest = max(self._longest, len(infix))
        self._memo = {}

    def pieces(self, token: str) -> set[str]:
        """Every piece of `token` as long as an indexed word can be: the words that may be run together
        in letters that were spaced out and joined ("k i l l m y s e l f" -> "kilmyself")."""
        size, longest = len(token), self._longest
        return {
            token[start:end] for start in range(size) for end in range(start + 1, min(size, start + longest) + 1)
        }

    def mask_of_pieces(self, pieces: Iterable[str]) -> int:
        """The bits of `pieces` (see `pieces`), without remembering them: they are mostly not words."""
        exact, prefix = self._exact, self._prefix
        mask = 0
        for piece in pieces:
            mask |= exact.get(piece, 0) | prefix.get(piece, 0)
            for infix, bit in self._infixes:
                if piece == infix:
                    mask |= bit
        return mask

    def mask(self, words: Iterable[str]) -> int:
        """The OR of every word's bits."""
        memo = self._memo
        try:
            return reduce(or_, map(memo.__getitem__, words), 0)
        except KeyError:
            pass
        if len(memo) > self._memo_limit:
            memo = self._memo = {}
        exact, prefix, infixes = self._exact, self._prefix, self._infixes
        mask = 0
        for word in words:
            bits = memo.get(word)
            if bits is None:
                bits = exact.get(word, 0) | prefix.get(word[:PREFIX_LETTERS], 0)
                for infix, bit in infixes:
                    if infix in word:
                        bits |= bit
                memo[word] = bits
            mask |= bits
        return mask


INDEX = WordIndex()

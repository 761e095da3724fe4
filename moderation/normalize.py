"""Normalization: the display text (control characters removed) and the folded forms filters match on.

What members see stays what the author wrote, minus control, bidi and zero-width characters. The
matching forms undo the usual tricks people use to slip words past a filter: compatibility forms
(full-width, math letters), homoglyphs from other scripts, accents, leetspeak, stretched letters,
spaced-out letters and emoji wedged inside a word. They are never shown to anyone.

All tables are built once at import so that `normalize` costs a few microseconds per message. For
ASCII text (most chat) the passes over the characters run in C (moderation/_textscan.c) when the
package is compiled; the Python below is what they do, and what runs otherwise.
"""

from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs.confusables import confusables_data  # type: ignore[import-untyped]

from moderation.word_index import INDEX, TEXTSCAN

# Characters removed from the display text: C0/C1 controls except tab and newline, bidi overrides
# and isolates (they can reverse what a reader sees), and invisible zero-width characters that have no
# business in chat. ZWJ/ZWNJ stay in the display text because emoji sequences and some scripts
# need them; the matching forms drop them.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
_JOINERS = "\u200c\u200d"
_DISPLAY_DROP = (
    {c: None for c in range(0x00, 0x20) if c not in (0x09, 0x0A)}
    | {0x7F: None}
    | {c: None for c in range(0x80, 0xA0)}
    | {ord(c): None for c in _BIDI + _INVISIBLE}
)
# Lone surrogates (invalid UTF-8), spelt with chr() because a compiled module cannot hold them literally.
_SURROGATES = chr(0xD800) + "-" + chr(0xDFFF)
_DISPLAY_NEEDS_WORK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + _INVISIBLE + _SURROGATES + "]"
)
_SURROGATE = re.compile("[" + _SURROGATES + "]")

# Homoglyphs the Unicode confusables table does not resolve to ASCII in one step, or maps to look-alikes
# that are themselves non-ASCII (Greek tau -> small capital T). Folded by how they look, not by sound.
_EXTRA_HOMOGLYPHS = {
    "τ": "t", "κ": "k", "ε": "e", "η": "n", "μ": "u", "β": "b", "ν": "v", "χ": "x", "ω": "w",
    "γ": "y", "ρ": "p", "ο": "o", "α": "a", "ι": "i", "υ": "u", "ς": "s", "σ": "o",
    "к": "k", "м": "m", "т": "t", "н": "h", "в": "b", "г": "r", "п": "n", "и": "u", "ё": "e",
    "ш": "w", "л": "n", "ь": "b", "я": "r", "д": "d", "ц": "u", "ч": "y", "б": "6", "з": "3",
}
# Latin letters that NFD does not split into a base letter and an accent.
_LATIN_LIGATURES = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
# Greek and Cyrillic letters inside otherwise Latin text are the usual homoglyph trick.
_OTHER_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u04ff]")

# Emoji and pictographs: dropped when they sit inside a word ("ki💀ll"), otherwise read as a space.
_EMOJI_MARK = "\x1a"
_EMOJI_RANGES = (
    (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x27BF), (0x2900, 0x297F),
    (0x2B00, 0x2BFF), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3299), (0xFE00, 0xFE0F),
    (0x1F000, 0x1FAFF), (0xE0000, 0xE007F),
)


def _build_fold_table() -> dict[int, str | None]:
    """Map every non-ASCII character we can fold to its ASCII look-alike, or to None to drop it."""
    table: dict[int, str | None] = {}
    for key, entries in confusables_data.items():
        if len(key) != 1 or key.isascii():
            continue
        target = _ascii_lookalike(key, entries)
        if target:
            table[ord(key)] = target.lower()
    for key, value in (_EXTRA_HOMOGLYPHS | _LATIN_LIGATURES).items():
        table[ord(key)] = value
    for start, end in _EMOJI_RANGES:
        for code in range(start, end + 1):
            table[code] = _EMOJI_MARK
    for ch in _BIDI + _INVISIBLE + _JOINERS:
        table[ord(ch)] = None
    # Typographic apostrophes vanish like the ASCII one so "don’t" matches "dont".
    for ch in "\u2019\u2018\u02bc\u00b4\u0060":
        table[ord(ch)] = None
    # Combining marks go after NFD, so accents never matter when matching ("suicídio" -> "suicidio").
    for code in range(0x300, 0x370):
        table[code] = None
    for start, end in ((0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F)):
        for code in range(start, end + 1):
            table[code] = None
    return table


def _ascii_lookalike(key: str, entries: list[dict[str, str]], depth: int = 0) -> str | None:
    """Follow the confusables table until a single ASCII letter or digit is reached."""
    for entry in entries:
        candidate = entry["c"]
        if len(candidate) == 1 and candidate.isascii() and candidate.isalnum():
            return candidate
    if depth < 2:
        for entry in entries:
            candidate = entry["c"]
            if len(candidate) == 1 and candidate != key and candidate in confusables_data:
                found = _ascii_lookalike(candidate, confusables_data[candidate], depth + 1)
                if found:
                    return found
    return None


_FOLD_TABLE = _build_fold_table()
_EMOJI_IN_WORD = re.compile(r"(?<=[^\W\d_])\x1a+(?=[^\W\d_])")

# Leetspeak: only inside tokens that mix letters with look-alike digits or symbols, so "2 years",
# "3am" and "10mg" keep their digits.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "@": "a", "$": "s", "!": "i", "|": "i", "€": "e", "6": "b"})
_LEET_TOKEN = re.compile(r"[a-z0-9@$!|€]*(?:[a-z][0-9@$!|€]|[0-9$|€][a-z])[a-z0-9@$!|€]*")
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:[.,]\d+)?(?:st|nd|rd|th|am|pm|h|hr|hrs|mg|mcg|ml|g|kg|k|x|s|min|mins|yo|y|yr|yrs|m|"
    r"km|mi|lb|lbs|d|wk|wks|mo|e|er|eme|o|a|km)?"
)
_SENTENCE_END = re.compile(r"[.!?;…]+(?=\s|$)")
_NOT_WORD = re.compile(r"[^a-z0-9@*\n]+|(?<![a-z])\*+|\*+(?![a-z])")
_NOT_WORD_PLAIN = re.compile(r"[^a-z0-9@\n]+")
_ONLY_WORD = re.compile(r"[a-z0-9@\n ]*")
_MY_SELF = re.compile(r"\bmy self\b")
# The same string for the C needle pass, which compares 16 bytes at a time with its first two letters.
_MY_SELF_TABLE = TEXTSCAN.word_starts(["my self"], {"my self": 1}) if TEXTSCAN is not None else None
_SPACES = re.compile(" {2,}")
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])(?:[a-z] ){2,}[a-z](?![a-z0-9])")
_LEET_ANY = re.compile(r"[0-9@$!|€]")
_LEET_CHARS = re.compile(r"[a-z][0-9@$!|€]|[0-9$|€][a-z]")
# Letter runs are cut with plain substring replacement: far faster than a back-reference regex.
_RUNS = tuple((c * 2, c, c * 3) for c in "abcdefghijklmnopqrstuvwxyz")
# Which letters are doubled at all, found in one scan rather than 26 substring searches of the text.
_DOUBLED = re.compile(r"([a-z])\1")
# Punctuation other than sentence ends becomes a space in one C-level pass.
_PUNCT = "\"#%&'()+,-/:<=>[\\]^_`{}~\t\r"
# Punctuation first becomes a mark that is neither a word character nor whitespace, so that a
# sentence end is still recognised by what follows it as written ("fine!) ok" is one sentence); the
# marks become spaces once sentence ends are found.
_PUNCT_MARK = "\x01"
_PUNCT_TO_MARK = str.maketrans({c: " " if c in "\t\r" else _PUNCT_MARK for c in _PUNCT})
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# ASCII text (most chat) is lowered and its punctuation marked in one bytes.translate, a plain array
# lookup per byte, with apostrophes deleted in the same pass ("don't" -> "dont").
_ASCII_FOLD = bytes.maketrans(
    _UPPER + _PUNCT.encode(), _UPPER.lower() + _PUNCT.translate(_PUNCT_TO_MARK).encode()
)
# Deleting letters and spaces from the folded bytes leaves what still needs work, usually nothing or
# a few bytes; which steps run is decided from that remainder instead of a search of the text per step.
_LETTERS_AND_SPACE = _UPPER.lower() + b" "
_LEET_BYTES = frozenset(b"0123456789@$!|")
_SENTENCE_BYTES = frozenset(b".!?;")
_NOT_WORD_BYTES = frozenset(b".!?;$|")
_MARK_BYTE = ord(_PUNCT_MARK)
# After NFD, text holding nothing but ASCII, combining accents and these marks folds like ASCII text:
# apostrophes (and the backtick, the fold table's way) vanish as the fold table has them vanish, and
# the others part words as the punctuation they are. Anything else (other scripts, emoji,
# ligatures) takes the full fold.
_ACCENT_PATH_MARKS = (
    ("\u2019", ""), ("\u2018", ""), ("\u00b4", ""), ("`", ""),
    ("\u00bf", " "), ("\u00a1", " "), ("\u00ab", " "), ("\u00bb", " "), ("\u201c", " "), ("\u201d", " "),
)
_BEYOND_ACCENTS = re.compile("[^\x00-\x7f\u0300-\u036f" + "".join(m for m, _ in _ACCENT_PATH_MARKS) + "]")


class Normalized:
    """One message in its display form and the forms the filters match on.

    `spaced`: lower-case ASCII-ish words separated by single spaces, with " . " between sentences,
    folded but with letter runs as written. `folded`: the same with letter runs of three or more cut
    to two ("killlll" -> "kill"). `squeezed`: every letter run cut to one ("kill" -> "kil"), which is
    what phrase lists match against. All three have the same tokens in the same order. `words` is
    the set of its squeezed words that some stage looks for (the shared index's vocabulary), for
    cheap "could this list match at all" tests, and `mask` the gates all its words open (see
    `moderation.word_index`). `obfuscated` says a folding trick was needed
    (homoglyphs, leetspeak, spaced-out letters); `glued` that spaced-out letters were joined, so
    word boundaries inside the joined run are lost: phrases may run together there. `gate_words`
    is what the gates look words up in: `words`, plus every piece of the joined letters that is in
    the vocabulary when `glued`, since any piece may be a word run together with others
    ("kilmyself"); their bits are in `mask` too.
    """

    __slots__ = ("display", "spaced", "folded", "squeezed", "words", "mask", "obfuscated", "glued", "gate_words")

    def __init__(
        self,
        display: str,
        spaced: str,
        folded: str,
        squeezed: str,
        words: frozenset[str],
        mask: int,
        obfuscated: bool = False,
        glued: bool = False,
        gate_words: frozenset[str] | None = None,
    ) -> None:
        self.display = display
        self.spaced = spaced
        self.folded = folded
        self.squeezed = squeezed
        self.words = words
        self.mask = mask
        self.obfuscated = obfuscated
        self.glued = glued
        # Built once here rather than by every gate that needs it.
        self.gate_words = words if gate_words is None else gate_words

    def __repr__(self) -> str:
        return f"Normalized(spaced={self.spaced!r}, obfuscated={self.obfuscated}, glued={self.glued})"


def clean_display(text: str) -> str:
    """Remove control, bidi and invisible characters; replace lone surrogates so output is valid UTF-8."""
    if TEXTSCAN is not None:
        if TEXTSCAN.clean_ascii(text):
            return text  # most chat: one C pass over the bytes (isprintable costs several)
    elif text.isascii() and text.isprintable():
        return text
    if not _DISPLAY_NEEDS_WORK.search(text):
        return text
    text = _SURROGATE.sub("\ufffd", text)
    return text.translate(_DISPLAY_DROP)


def squeeze(text: str) -> str:
    """Cut every run of one repeated letter to a single letter ("sooo" -> "so", "kill" -> "kil")."""
    for pair, single, _ in _RUNS:
        if pair in text:
            while pair in text:
                text = text.replace(pair, single)
    return text


def _cut_runs(text: str) -> tuple[str, str]:
    """Both run-cut forms at once: runs of three or more cut to two, and every run cut to one."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.cut_runs(text)
        if found is not None:
            return found  # type: ignore[no-any-return]
    folded = squeezed = text
    # Cutting one letter's runs never creates or removes another letter's, so the order is free.
    for single in set(_DOUBLED.findall(text)):
        pair, triple = single * 2, single * 3
        while triple in folded:
            folded = folded.replace(triple, pair)
        while pair in squeezed:
            squeezed = squeezed.replace(pair, single)
    return folded, squeezed


def fold(text: str) -> tuple[str, bool, bool]:
    """The folded matching form of an already display-cleaned text (letter runs as written), whether
    it was obfuscated, and whether spaced-out letters were glued together."""
    s, obfuscated = _fold_words(text)
    glued = False
    if _SPACED_LETTERS.search(s):
        s = _SPACED_LETTERS.sub(_join_spaced, s)
        obfuscated = glued = True
    if "my self" in s:
        s = _MY_SELF.sub("myself", s)
    return s, obfuscated, glued


def _fold_words(text: str) -> tuple[str, bool]:
    """Everything `fold` does but joining spaced-out letters: case, look-alikes, leetspeak, sentence
    marks, punctuation and spacing. Returns the text and whether it was obfuscated."""
    obfuscated = False
    if text.isascii():
        if TEXTSCAN is not None:
            found = TEXTSCAN.fold_ascii(text)
            if found is not None:
                return found  # type: ignore[no-any-return]
        data = text.encode("ascii").translate(_ASCII_FOLD, b"'")
        s = data.decode("ascii")
        rest = data.translate(None, _LETTERS_AND_SPACE)
        if not rest:
            # Letters and spaces only: nothing but the spacing is left to do.
            return (" ".join(s.split()) if "  " in s or s[:1] == " " or s[-1:] == " " else s), False
        kinds = frozenset(rest)
        leet = not kinds.isdisjoint(_LEET_BYTES)
        sentences = not kinds.isdisjoint(_SENTENCE_BYTES)
        star = 42 in kinds  # "*"
        not_word = not kinds.isdisjoint(_NOT_WORD_BYTES)
        marked = _MARK_BYTE in kinds
    else:
        s = unicodedata.normalize("NFKC", text).casefold()
        decomposed = unicodedata.normalize("NFD", s)
        if not _BEYOND_ACCENTS.search(decomposed):
            # Latin text with accents (most Spanish, French, German, Portuguese): dropping the
            # combining marks leaves ASCII, which takes the fast path above.
            for mark, replacement in _ACCENT_PATH_MARKS:
                if mark in decomposed:
                    decomposed = decomposed.replace(mark, replacement)
            return _fold_words(decomposed.encode("ascii", "ignore").decode("ascii"))
        # Homoglyphs mixed into Latin text are evasion; accents alone are not.
        obfuscated = bool(_OTHER_SCRIPT.search(s))
        s = unicodedata.normalize("NFD", s.translate(_FOLD_TABLE)).translate(_FOLD_TABLE)
        s = s.replace("'", "")
        if _EMOJI_MARK in s:
            s = _EMOJI_IN_WORD.sub("", s).replace(_EMOJI_MARK, " ")
        # Punctuation never belongs to a leetspeak token, so it can be marked before that fold.
        s = s.translate(_PUNCT_TO_MARK)
        leet = _LEET_ANY.search(s) is not None
        sentences = "." in s or "!" in s or "?" in s or ";" in s or "…" in s
        star = "*" in s
        not_word = marked = True
    if leet and _LEET_CHARS.search(s):
        s, changed = _fold_leet(s)
        obfuscated = obfuscated or changed
    if sentences:
        s = _SENTENCE_END.sub("\n", s)
    if marked:
        s = s.replace(_PUNCT_MARK, " ")
    if star:
        s = _NOT_WORD.sub(" ", s)
    elif not_word and (not s.isascii() or not _ONLY_WORD.fullmatch(s)):
        s = _NOT_WORD_PLAIN.sub(" ", s)
    # One space between words and a lone "." token between sentences (most messages are one sentence).
    if "\n" in s:
        s = " . ".join(joined for part in s.split("\n") if (joined := " ".join(part.split())))
    else:
        # Only spaces are left as whitespace here, so collapsing runs and trimming is enough; it
        # costs a fraction of splitting a long message into words and joining them again.
        if "  " in s:
            s = _SPACES.sub(" ", s)
        s = s.strip(" ")
    return s, obfuscated


def _join_spaced(match: re.Match[str]) -> str:
    """Join spaced-out letters ("k i l l" -> "kill"), keeping a leading "i" or "a" apart ("i w a n t")."""
    text = match.group()
    if text[0] in "ia" and len(text) >= 7:
        return text[:2] + text[2:].replace(" ", "")
    return text.replace(" ", "")


def _fold_leet(s: str) -> tuple[str, bool]:
    """Translate leetspeak inside mixed tokens, leaving numbers with units and @mentions alone."""
    changed = False

    def repl(match: re.Match[str]) -> str:
        nonlocal changed
        token = match.group()
        if _NUMBER_WITH_UNIT.fullmatch(token) or (token.startswith("@") and token[1:2].isalpha()):
            return token
        core = token.rstrip("!|")
        folded = core.translate(_LEET)
        changed = changed or folded != core
        return folded + token[len(core):]

    return _LEET_TOKEN.sub(repl, s), changed


def normalize(text: str) -> Normalized:
    """Build every form of one message. Pure; linear in the length of the text."""
    display = clean_display(text)
    spaced, obfuscated = _fold_words(display)
    spaced, joined = _join_spaced_letters(spaced)
    obfuscated = obfuscated or bool(joined)
    if _has_my_self(spaced):
        spaced = _MY_SELF.sub("myself", spaced)
    folded, squeezed = _cut_runs(spaced)
    words, mask = INDEX.words_and_mask(squeezed)
    gate_words = words
    if joined:
        # Words run together in the joined letters: every piece of them counts as a word for the gates.
        found = INDEX.known_pieces(joined, words)
        if found is None:
            pieces = frozenset().union(*(INDEX.pieces(squeeze(t)) for run in joined for t in run.split(" ") if t))
            found = words | pieces.intersection(INDEX.vocabulary), INDEX.mask_of_pieces(pieces)
        gate_words, piece_mask = found
        mask |= piece_mask
    return Normalized(display, spaced, folded, squeezed, words, mask, obfuscated, bool(joined), gate_words)


def _has_my_self(spaced: str) -> bool:
    """Does the text hold "my self" (which `_MY_SELF` then joins where it stands as two words)?"""
    if _MY_SELF_TABLE is not None:
        found = TEXTSCAN.needle_bits(spaced, _MY_SELF_TABLE)
        if found is not None:
            return bool(found)
    return "my self" in spaced


def _join_spaced_letters(spaced: str) -> tuple[str, list[str]]:
    """Join the runs of spaced-out letters in a folded text ("k i l l" -> "kill"), except runs of only
    "i" and "a", which spell no word any list holds. Returns the text and the runs as joined."""
    if TEXTSCAN is not None:
        found = TEXTSCAN.join_spaced(spaced)
        if found is not None:
            return found  # type: ignore[no-any-return]
    joined: list[str] = []
    if _SPACED_LETTERS.search(spaced):
        spaced = _SPACED_LETTERS.sub(lambda match: _join_recorded(match, joined), spaced)
    return spaced, joined


def _join_recorded(match: re.Match[str], joined: list[str]) -> str:
    """Join a run of spaced-out letters and note it, unless it holds only "i" and "a" (no word)."""
    if not match.group().replace(" ", "").strip("ia"):
        return match.group()
    run = _join_spaced(match)
    joined.append(run)
    return run

"""The C passes (moderation/_textscan.c) give exactly what their Python twins in normalize.py give.

The Python twins are run from a fresh copy of normalize.py's source with the C module switched off,
so this compares the two even when the package runs compiled. Skipped where the C module was not built.
"""

from __future__ import annotations

import gc
import importlib.util
import random
import re
import string
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.moderation_bench import random_chars, random_words
from moderation import crisis, harassment, pii, spam
from moderation.cli import load_eval
from moderation.lexicon import WORD_END, PhraseMatcher
from moderation.normalize import normalize
from moderation.pii import _PHONE_DIGITS, _PHONE_SEPARATORS
from moderation.word_index import INDEX

textscan = pytest.importorskip("moderation._textscan")
ROOT = Path(__file__).resolve().parents[2]


def _python_normalize() -> ModuleType:
    spec = importlib.util.spec_from_file_location("normalize_in_python", ROOT / "moderation" / "normalize.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.TEXTSCAN = None  # type: ignore[attr-defined]
    return module


python = _python_normalize()


def _python_spam() -> ModuleType:
    """spam.py run from source with its C twins switched off."""
    spec = importlib.util.spec_from_file_location("spam_in_python", ROOT / "moderation" / "spam.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    module.TEXTSCAN = None  # type: ignore[attr-defined]
    module._TLD_TABLE = None  # type: ignore[attr-defined]
    return module


python_spam = _python_spam()

# The characters every rule of the ASCII path turns on: case, leetspeak digits and symbols, sentence
# ends, "*", "@", marks, apostrophes, tabs, newlines, doubled and lone letters.
TRICKY = "aAbBiIsSkKlL fuc*k 0134578962 @$!|.?;'\"#%&()+,-/:<=>[]^_`{}~\t\r\n  xyz [at] (dot) u/ .Com .io wWw. ://"
ascii_texts = st.one_of(
    st.text(alphabet=TRICKY, max_size=60),
    st.text(alphabet=string.printable, max_size=200),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=80),
)


# The words the stages look for, and short words the generated text is full of (the empty word of
# a doubled space too); given twice and with a non-ASCII word, which no ASCII text can hold.
VOCABULARY = INDEX.vocabulary | {"", "a", "b", "ab", "i", "is", "s", "k", "xyz", "fuc*k", "@", "kil", "0134578962"}
TABLE = textscan.vocabulary([*sorted(VOCABULARY), "kil", "ünï"])
# Bits for the same words, all 64 in use; "kil" given twice, with two bits that are then or-ed.
BITS = {word: 1 << (sum(map(ord, word)) % 64) for word in VOCABULARY}
BITS_TABLE = textscan.vocabulary([*sorted(VOCABULARY), "kil", "ünï"], BITS | {"kil": 1 | 1 << 63})
BITS["kil"] |= 1 | 1 << 63
LONGEST = 6


def _bits(words: frozenset[str]) -> int:
    mask = 0
    for word in words:
        mask |= BITS[word]
    return mask


def _pieces(token: str, longest: int = LONGEST) -> set[str]:
    return {token[i:j] for i in range(len(token)) for j in range(i + 1, min(len(token), i + longest) + 1)}


# The words pii looks for where a word starts, as C tables and as the regexes they stand in for.
WORD_START_TABLES = (
    (textscan.word_starts(pii._STREET_WORDS), pii._STREET_HINT),
    (textscan.word_starts(pii._PLATFORM_NAMES), pii._PLATFORM),
)


def _word_starts(text: str, table: object) -> list[tuple[int, int]] | None:
    spans: list[tuple[int, int]] = []
    at = 0
    while True:
        found = textscan.find_word_start(text, table, at)
        if found is None:
            return None
        start, at = found
        if start < 0:
            return spans
        spans.append((start, at))


def _check_word_starts(text: str) -> None:
    for each in (text, text.lower()):
        for table, pattern in WORD_START_TABLES:
            expected = [m.span() for m in pattern.finditer(each)] if each.isascii() else None
            assert _word_starts(each, table) == expected, pattern.pattern[:40]


def _corpus() -> list[str]:
    rng = random.Random(20261128)
    texts = [str(row["text"]) for row in load_eval(ROOT / "tests" / "data" / "moderation_eval.jsonl")]
    texts += [" ".join(t) for t in texts] + [t.upper() + "!!" for t in texts]
    texts += random_chars(100, 1024, rng) + random_words(100, 1024, rng)
    texts += ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 40))) for _ in range(20_000)]
    return texts


def _check(text: str) -> None:
    _check_word_starts(text)
    clean = textscan.clean_ascii(text)
    assert clean is (python._DISPLAY_NEEDS_WORK.search(text) is None if text.isascii() else None)
    close = textscan.digits_close(text, 7, 3)
    assert close is (ANY_SEVEN_DIGITS.search(text) is not None if text.isascii() else None)
    close = textscan.digits_close(text, 7, 3, _PHONE_SEPARATORS)
    assert close is (_PHONE_DIGITS.search(text) is not None if text.isascii() else None)
    for needles, table in NEEDLE_TABLES:
        expected = 0
        for needle, bit in needles.items():
            expected |= bit if needle in text else 0
        assert textscan.needle_bits(text, table) == (expected if text.isascii() else None)
    ascii_only = text.isascii()
    masked = any(map(harassment._masked_profanity, harassment._starred_tokens(text)))
    assert textscan.masked_match(text, harassment._PROFANE_FOLDED) is (masked if ascii_only else None)
    lowered = textscan.lower_ascii(text)
    assert lowered == (text.lower() if ascii_only else None) and (lowered is not text or text == "")
    assert textscan.at_domain(text) is ((pii._AT_DOMAIN.search(text) is not None) if ascii_only else None)
    assert textscan.digits_after(text, "#", 4) is ((pii._HASH_DIGITS.search(text) is not None) if ascii_only else None)
    assert textscan.dotted(text) is ((spam._DOTTED.search(text) is not None) if ascii_only else None)
    assert textscan.link_start(text, spam._TLD_TABLE) == (python_spam._earliest_link(text) if ascii_only else None)
    names = len({m.lower() for m in spam._MENTION.findall(text)})
    for enough in (1, 3, 5, 64):
        assert textscan.mention_count(text, enough) == (min(names, enough) if ascii_only else None)
    counts = textscan.letter_counts(text)
    assert counts == ((sum(c.isupper() for c in text), sum(c.isalpha() for c in text)) if text.isascii() else None)
    found = textscan.fold_ascii(text)
    if not text.isascii():
        assert found is None
        return
    if any(c < " " and c not in "\t\n\r" or c == "\x7f" for c in text):
        # Other control characters are left to the Python path (the display text never has them).
        assert found is None
        return
    spaced, obfuscated = python._fold_words(text)
    assert found == (spaced, obfuscated)
    joined: list[str] = []
    expected = python._SPACED_LETTERS.sub(lambda match: python._join_recorded(match, joined), spaced)
    assert textscan.join_spaced(spaced) == (expected, joined)
    assert textscan.cut_runs(expected) == python._cut_runs(expected)
    squeezed = python._cut_runs(expected)[1]
    for each in (squeezed, text):  # the display text too: it may hold runs of spaces
        words = frozenset(each.split(" "))
        known = textscan.known_words(each, TABLE)
        assert known == words & VOCABULARY and type(known) is frozenset
        assert textscan.words_and_bits(each, TABLE) == (known, 0)
        assert textscan.words_and_bits(each, BITS_TABLE) == (known, _bits(known))
    pieces = frozenset().union(*(_pieces(python.squeeze(t)) for run in joined for t in run.split(" ") if t))
    assert textscan.known_pieces(joined, BITS_TABLE, LONGEST) == (pieces & VOCABULARY, _bits(pieces & VOCABULARY))
    # And as the word index uses it, with its own words, bits and infixes.
    pieces = frozenset().union(*(INDEX.pieces(python.squeeze(t)) for run in joined for t in run.split(" ") if t))
    assert INDEX.known_pieces(joined) == (pieces & INDEX.vocabulary, INDEX.mask_of_pieces(pieces))
    words = frozenset(squeezed.split(" ")) & INDEX.vocabulary
    assert INDEX.known_pieces(joined, words) == (words | pieces & INDEX.vocabulary, INDEX.mask_of_pieces(pieces))


def test_the_c_passes_equal_python_on_the_evaluation_set_noise_and_tricky_text() -> None:
    for text in _corpus():
        _check(text)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ascii_texts)
def test_the_c_passes_equal_python_on_any_ascii_text(text: str) -> None:
    _check(text)


# Street words and platform names with what may stand around them: letters, digits and "_" (word
# characters, so no word starts or ends there), spaces, punctuation, other scripts.
_NAMES = [w.replace(WORD_END, "") for w in (*pii._STREET_WORDS, *pii._PLATFORM_NAMES)]
named_texts = st.lists(
    st.tuples(
        st.sampled_from([*_NAMES, *(w.upper() for w in _NAMES), "x", "7", "_", "é"]),
        st.sampled_from(["", " ", ".", "/", "-", "_", "a", "1", "\n", ":", "é"]),
    ),
    max_size=12,
).map(lambda parts: "".join(word + glue for word, glue in parts))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(named_texts)
def test_word_starts_find_what_the_word_start_regexes_find(text: str) -> None:
    _check_word_starts(text)


def test_word_starts_take_only_words() -> None:
    with pytest.raises(TypeError):
        textscan.word_starts(["st", 3])
    with pytest.raises(ValueError):
        textscan.word_starts(["st", WORD_END])
    with pytest.raises(ValueError):
        textscan.find_word_start("main st", object(), 0)
    table = textscan.word_starts(["st" + WORD_END, "st", "a"])  # twice: ending a word is then not needed
    assert textscan.find_word_start("a1 stx", table, 0) == (0, 1)
    assert textscan.find_word_start("a1 stx", table, 1) == (3, 5)
    assert textscan.find_word_start("a1 stx", table, 4) == (-1, -1)
    assert textscan.find_word_start("b a", table, -5) == (2, 3)
    # Keys are read across spaces: a key cannot be marked to end a word, nor be longer than 64.
    with pytest.raises(ValueError):
        textscan.key_starts("fuck", textscan.word_starts(["fu" + WORD_END]))
    with pytest.raises(ValueError):
        textscan.key_starts("z" * 70, textscan.word_starts(["z" * 70]))
    assert textscan.key_starts("z" * 64, textscan.word_starts(["z" * 64])) == [(0, "z" * 64)]


# Strings looked for anywhere, with bits: pii's own, and some that overlap and share beginnings.
NEEDLES = {"ab": 1, "abc": 2, "b": 4, "c c": 8, "xyz": 16 | 1 << 63, "@": 32, "ü": 64}
NEEDLE_TABLES = ((pii._NEEDLES, pii._NEEDLE_TABLE), (NEEDLES, textscan.word_starts(list(NEEDLES), NEEDLES)))

# Seven digits with at most three characters of any kind between each two.
ANY_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,3}+\d){6}")


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789 -.()+a/\n", max_size=40))
def test_digits_close_equals_the_phone_hint_regex(text: str) -> None:
    assert textscan.digits_close(text, 7, 3) is (ANY_SEVEN_DIGITS.search(text) is not None)
    assert textscan.digits_close(text, 7, 3, _PHONE_SEPARATORS) is (_PHONE_DIGITS.search(text) is not None)
    assert textscan.digits_close(text, 7, 3, "") is (re.search(r"\d{7}", text) is not None)


@given(st.text(min_size=1, max_size=30).filter(lambda t: not t.isascii()))
def test_the_c_passes_leave_other_text_to_python(text: str) -> None:
    assert textscan.fold_ascii(text) is None
    assert textscan.join_spaced(text) is None
    assert textscan.cut_runs(text) is None
    assert textscan.known_words(text, TABLE) is None
    assert textscan.digits_close(text, 7, 3) is None
    assert textscan.letter_counts(text) is None
    assert textscan.at_domain(text) is None
    assert textscan.mention_count(text, 5) is None
    assert textscan.digits_after(text, "#", 4) is None
    assert textscan.dotted(text) is None
    assert textscan.lower_ascii(text) is None
    assert textscan.link_start(text, spam._TLD_TABLE) is None


# Pieces of links, addresses and mentions, run together in any order.
LINK_PIECES = ("www", "WWW", ".", ".com", ".Co", ".io", "x", "a-b", "_", "://", ":/", "http", "@", "@x", "#", "1234",
               " ", "/", "u/", ".onion", ".online", "é")
link_texts = st.lists(st.sampled_from(LINK_PIECES), max_size=12).map("".join)


@settings(max_examples=3000)
@given(link_texts)
def test_the_link_and_mention_looks_equal_their_regexes(text: str) -> None:
    ascii_only = text.isascii()
    assert textscan.link_start(text, spam._TLD_TABLE) == (python_spam._earliest_link(text) if ascii_only else None)
    assert textscan.dotted(text) is ((spam._DOTTED.search(text) is not None) if ascii_only else None)
    assert textscan.at_domain(text) is ((pii._AT_DOMAIN.search(text) is not None) if ascii_only else None)
    names = len({m.lower() for m in spam._MENTION.findall(text)})
    assert textscan.mention_count(text, 5) == (min(names, 5) if ascii_only else None)
    assert textscan.digits_after(text, "#", 4) is ((pii._HASH_DIGITS.search(text) is not None) if ascii_only else None)


def test_mentions_past_what_the_c_count_holds_are_left_to_python() -> None:
    assert textscan.mention_count("@a @b", 65) is None
    text = " ".join(f"@name{i} @NAME{i}" for i in range(100))
    assert textscan.mention_count(text, 64) == 64
    assert spam._mention_count(text, 100) == 100


def test_a_vocabulary_takes_only_words_and_known_words_only_a_vocabulary() -> None:
    with pytest.raises(TypeError):
        textscan.vocabulary(["die", 3])
    with pytest.raises(ValueError):
        textscan.known_words("i want to die", object())
    assert textscan.known_words("i want to die", textscan.vocabulary([])) == frozenset()


def test_every_offset_across_the_64_byte_words_of_bits() -> None:
    # The passes that take 64 bytes at a time as bits carry state from one word of bits to the
    # next: a "*" between letters, a sentence end before whitespace, a run of spaced letters, a
    # mixed leetspeak run, a word, each made to straddle every boundary.
    for snippet in ("f*ck. x", "a!\nb", "k i l l x", "h3ll0 w0rld", "f*", "*k", "end.", "u/x @a #1234 www.x.io"):
        for offset in range(0, 140):
            _check("x" * offset + " " + snippet + " " + "y" * (offset % 7))
            _check("ab " * (offset // 3) + snippet)


def test_nul_and_del_are_characters_like_any_other() -> None:
    # Found by fuzzing under AddressSanitizer: the 16-byte comparisons once missed a word whose
    # second character is NUL and a separator that is DEL, and key_starts took NUL for the text's end.
    assert textscan.digits_close("1\x7f1" + "x" * 13, 2, 1, "\x7f") is True
    assert textscan.digits_close("1\x7f\x7f1" + "x" * 30, 2, 1, "\x7f") is False
    table = textscan.word_starts(["a\0b"], {"a\0b": 1})
    assert textscan.needle_bits("a\0b" + "y" * 30, table) == 1
    assert textscan.needle_bits("y" * 20 + "a\0b" + "y" * 30, table) == 1
    assert textscan.key_starts("a\0b", textscan.word_starts(["a\0b"])) == [(0, "a\0b")]
    assert textscan.key_starts("a\0", textscan.word_starts(["a\0b"])) == []


def test_a_table_takes_exactly_str() -> None:
    # A subclass's __hash__ and __eq__ would run while a scan adds its words to a set.
    class Word(str):
        pass

    with pytest.raises(TypeError):
        textscan.vocabulary([Word("kil")])
    with pytest.raises(TypeError):
        textscan.word_starts([Word("kil")])


def test_a_base_item_that_changes_the_runs_cannot_change_what_known_pieces_reads() -> None:
    # Adding a piece to the result compares it with a base item of the same hash, which runs that
    # item's __eq__: once it could swap a run for a longer one (a stack overflow) or empty the list
    # (a read of freed memory), found under AddressSanitizer. The runs are now read from a copy.
    vocabulary = textscan.vocabulary(["kil", "ab"])
    for change in ("longer", "clear"):
        runs = ["kil", "ab"]

        class Changer:
            def __hash__(self) -> int:
                return hash("kil")

            def __eq__(self, other: object) -> bool:
                if change == "longer":
                    runs[1] = "xy" * 2500
                else:
                    runs.clear()
                return False

        base = frozenset({Changer()})
        found, _ = textscan.known_pieces(runs, vocabulary, 3, base)
        assert {"kil", "ab"} <= found and len(found) == 3


def test_long_text_past_the_stack_buffers() -> None:
    text = ("K i l l 3v3ry 0ne... F*ck!\nnext " * 400)[:9000]
    _check(text)


# Every phrase matcher the stages build, and texts in their matching form (lower-case words one
# space apart, sometimes two) made of pieces of their keys, so keys start, break off and run on.
MATCHERS = [
    matcher
    for module in (crisis, harassment)
    for matcher in vars(module).values()
    if isinstance(matcher, PhraseMatcher)
]
_KEY_PIECES = sorted({key[:cut] for matcher in MATCHERS for key in matcher._by_key for cut in (1, 2, 3, 4)})
matching_forms = st.lists(
    st.tuples(
        st.sampled_from([*_KEY_PIECES[::7], "f", "u", "fu", "kys", "i", ".", "12", "x"]),
        st.sampled_from([" ", " ", "", "  "]),
    ),
    max_size=14,
).map(lambda parts: "".join(piece + glue for piece, glue in parts))


def _regex_key_starts(matcher: PhraseMatcher, text: str) -> list[tuple[int, str]]:
    assert matcher._starts is not None
    return [(m.start(), m.group(1).replace(" ", "")) for m in matcher._starts.finditer(" " + text)]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matching_forms)
def test_key_starts_find_what_the_start_scan_finds(text: str) -> None:
    for matcher in MATCHERS:
        assert textscan.key_starts(text, matcher._key_table) == _regex_key_starts(matcher, text)


def test_key_starts_on_the_evaluation_set_and_noise() -> None:
    for text in _corpus()[:3000]:
        squeezed = normalize(text).squeezed
        for matcher in MATCHERS:
            expected = _regex_key_starts(matcher, squeezed) if squeezed.isascii() else None
            assert textscan.key_starts(squeezed, matcher._key_table) == expected


# The address gates in Python, as pii had them before the C twin: what address_gates must answer.
TO_NUMBER = re.compile(r"[\w\s.'\-,º°]*")
NAME_WORD = re.compile(r"[A-Za-z][\w'.-]*")
NUMBER_AT_END = re.compile(r"(?<!\w)\d{1,5}[A-Za-z]?,?\Z")
NUMBER_FIRST_AT_END = re.compile(r"\d(?<!\w\d)\d{0,3}(?:\s?(?:bis|ter))?,?\Z", re.IGNORECASE)
EN_STREETS, NAME_FIRST, NUMBER_FIRST, GERMAN, _ = pii._ADDRESS_TABLES or (None,) * 5


def _may_hold_address_en(text: str, lowered: str) -> bool:
    """A street word after whitespace, one to four name words before it, a number before those."""
    for start, _ in pii._c_word_starts(lowered, EN_STREETS):
        if start == 0 or not text[start - 1].isspace():
            continue
        words = text[:start].rsplit(None, 5)
        for back in range(1, min(5, len(words))):
            if not NAME_WORD.fullmatch(words[-back]):
                break
            if NUMBER_AT_END.search(words[-back - 1]):
                return True
    return False


def _may_hold_address_other(text: str, lowered: str) -> bool:
    """A street word that comes first with a number after it, or one right after its number."""
    for _, end in pii._c_word_starts(lowered, NAME_FIRST):
        if any(c.isdigit() for c in TO_NUMBER.match(text, end).group()):
            return True
    for start, _ in pii._c_word_starts(lowered, NUMBER_FIRST):
        before = text[:start].rstrip()
        if len(before) < start and NUMBER_FIRST_AT_END.search(before, max(0, len(before) - 12)):
            return True
    return False


def _python_address_gates(text: str) -> int:
    lowered = text.lower()
    return (
        (pii._EN if _may_hold_address_en(text, lowered) else 0)
        | (pii._OTHER if _may_hold_address_other(text, lowered) else 0)
        | (pii._DE if any(word in lowered for word in pii._GERMAN_STREET) else 0)
    )


ADDRESS_PIECES = [
    *pii._STREET_WORDS_EN.split("|"), *pii._NAME_FIRST_STREETS.split(), *pii._NUMBER_FIRST_STREETS.split(),
    *pii._GERMAN_STREET, "Main", "de", "bis", "BIS", "ter", "n.", "no", "12", "7", "221b", "1500", "123456", "x",
    "apt", "#4", "St", "RUE", "Calle", "C/", "AV.", "_", "Str.", "a1", "7a,", "\x1c", "\x0b",
]
address_texts = st.lists(
    st.tuples(
        st.sampled_from(ADDRESS_PIECES),
        st.sampled_from([" ", " ", "  ", ", ", ",", "\n", "\t", "-", ".", "", "'", "!", "/", "é"]),
    ),
    max_size=12,
).map(lambda parts: "".join(piece + glue for piece, glue in parts))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(address_texts, ascii_texts))
def test_address_gates_answer_what_the_python_gates_answer(text: str) -> None:
    found = textscan.address_gates(text, *pii._ADDRESS_TABLES)
    assert found == (_python_address_gates(text) if text.isascii() else None)


def test_address_gates_on_the_evaluation_set_and_noise() -> None:
    texts = [t for t in _corpus() if t.isascii()]
    gates = [textscan.address_gates(t, *pii._ADDRESS_TABLES) for t in texts]
    assert gates == [_python_address_gates(t) for t in texts]
    # The gates do rule texts out, and let the evaluation set's addresses through.
    assert 0 in gates and any(g & pii._EN for g in gates) and any(g & pii._OTHER for g in gates)


def test_bits_and_pieces_take_only_what_they_can_hold() -> None:
    with pytest.raises(TypeError):
        textscan.vocabulary(["die"], [("die", 1)])
    with pytest.raises(OverflowError):
        textscan.vocabulary(["die"], {"die": 1 << 64})
    with pytest.raises(TypeError):
        textscan.known_pieces(("kil",), BITS_TABLE, 4)
    with pytest.raises(TypeError):
        textscan.known_pieces(["kil", 3], BITS_TABLE, 4)
    assert textscan.known_pieces(["kil", "kïl"], BITS_TABLE, 4) is None
    assert textscan.known_pieces([], BITS_TABLE, 4) == (frozenset(), 0)
    # A word longer than the stack buffer, squeezed: "kiiiil" is the piece "kil".
    expected = frozenset(_pieces("x", 3) | _pieces("kil", 3)) & VOCABULARY
    assert "kil" in expected
    assert textscan.known_pieces(["x" * 300 + " kiiiil"], BITS_TABLE, 3) == (expected, _bits(expected))
    # Silent words set their bits but are not reported; a base set starts the result.
    quiet = textscan.vocabulary(["ab", "cd", "x"], {"ab": 1, "cd": 2}, ["cd", "zz"])
    assert textscan.known_pieces(["abcd"], quiet, 4) == (frozenset({"ab"}), 3)
    assert textscan.known_pieces(["cd"], quiet, 4, frozenset({"q"})) == (frozenset({"q"}), 2)
    assert textscan.known_words("ab cd x", quiet) == frozenset({"ab", "x"})
    with pytest.raises(TypeError):
        textscan.vocabulary(["ab"], {}, [3])
    with pytest.raises(TypeError):
        textscan.known_pieces(["ab"], quiet, 4, {"q"})


def test_python_code_run_inside_a_call_cannot_change_what_it_reads() -> None:
    # A bits key whose __eq__ empties the word list, and a finalizer that swaps a run for a longer
    # one during the garbage collection making the result may start: both once read freed memory or
    # wrote past a buffer (found under AddressSanitizer). The words are copied, and the runs are
    # read only after the result is made.
    words = [f"w{i}" for i in range(50)]

    class Emptier:
        def __hash__(self) -> int:
            return hash("w0")

        def __eq__(self, other: object) -> bool:
            words.clear()
            return False

    table = textscan.vocabulary(words, {Emptier(): 1})
    assert textscan.known_words("w0 w1 w49 w50", table) == {"w0", "w1", "w49"}

    before, after = "ab " + "cd" * 5, "kil " + "ab" * 2500
    runs = [before]

    class Swapper:
        def __del__(self) -> None:
            runs[0] = after

    def pieces_of(run: str) -> tuple[frozenset[str], int]:
        found = frozenset().union(*(_pieces(python.squeeze(t)) for t in run.split(" ") if t)) & VOCABULARY
        return found, _bits(found)

    old_threshold = gc.get_threshold()
    try:
        for threshold in range(1, 20):
            gc.collect()
            cycle = Swapper()
            cycle.self = cycle  # type: ignore[attr-defined]
            del cycle
            gc.set_threshold(threshold)
            found = textscan.known_pieces(runs, BITS_TABLE, LONGEST)
            gc.set_threshold(*old_threshold)
            # The finalizer may run inside the call or after it: the pieces are of one run or the other.
            assert found in (pieces_of(before), pieces_of(after))
            runs[0] = before
    finally:
        gc.set_threshold(*old_threshold)

"""The phrase matcher every word-list stage builds on: grammar, overlap rules, words run together, gates."""

from __future__ import annotations

from moderation.lexicon import PhraseMatcher, expand
from moderation.normalize import normalize


def found(matcher: PhraseMatcher, text: str, glued: bool = False) -> list[tuple[str, str]]:
    squeezed = normalize(text).squeezed
    return [(hit.label, squeezed[hit.start : hit.end]) for hit in matcher.find(squeezed, glued)]


def test_the_grammar_expands_groups_and_optional_parts() -> None:
    assert sorted(expand("(want|wish) to (die|)")) == ["want to ", "want to die", "wish to ", "wish to die"]


def test_the_first_label_listed_wins_at_a_position_and_takes_its_longest_phrase() -> None:
    matcher = PhraseMatcher({"specific": ("end it all", "end it all tonight"), "general": ("end it",)})
    assert found(matcher, "I will end it all tonight") == [("specific", "end it al tonight")]
    assert found(matcher, "I will end it") == [("general", "end it")]


def test_hits_do_not_overlap_and_come_in_order() -> None:
    matcher = PhraseMatcher({"a": ("no way out",), "b": ("way out", "out of options")})
    assert found(matcher, "no way out, out of options") == [("a", "no way out"), ("b", "out of options")]


def test_a_candidate_that_fails_does_not_hide_a_phrase_starting_in_its_next_word() -> None:
    # "ab cd ef gh" has the key "abcdef", which matches at "ab" although the phrase does not; the
    # scan must still try "cd", where "cd ef" starts.
    matcher = PhraseMatcher({"long": ("ab cd ef gh",), "short": ("cd ef",)})
    assert found(matcher, "ab cd ef xx") == [("short", "cd ef")]


def test_stretched_letters_accents_and_wildcards_match() -> None:
    matcher = PhraseMatcher({"word": ("suicid*", "morir")})
    assert found(matcher, "feeling suiciiidal, quiero morír") == [("word", "suicidal"), ("word", "morir")]
    assert found(matcher, "suicide") == [("word", "suicide")]
    assert found(matcher, "presuicidal") == []


def test_macros_stand_for_their_alternatives() -> None:
    matcher = PhraseMatcher({"m": ("take all my <PILLS>",)}, {"PILLS": ("(pills|meds|tablets)",)})
    assert found(matcher, "gonna take all my meds") == [("m", "take al my meds")]
    assert found(matcher, "gonna take all my time") == []


def test_words_run_together_still_match_unless_a_short_first_word_would_swallow_another() -> None:
    matcher = PhraseMatcher({"p": ("hurt myself", "f u")})
    assert found(matcher, "i hurtmyself again") == [("p", "hurtmyself")]
    assert found(matcher, "f u") == [("p", "f u")]
    # The "fu" of "kung fu" is not "f u" ...
    assert found(matcher, "kung fu") == []
    # ... but in glued text (spaced-out letters joined) word boundaries are gone, so it may be.
    assert found(matcher, "kung fu", glued=True) == [("p", "fu")]


def test_a_gate_admits_only_texts_that_hold_an_uncommon_word_of_a_phrase() -> None:
    matcher = PhraseMatcher({"a": ("i want to disappear",), "b": ("overdose",)})
    gate_a, gate_both = matcher.gate("a"), matcher.gate("a", "b")
    assert gate_a.admits(normalize("I just want to disappear"))
    assert not gate_a.admits(normalize("I want to go home"))
    assert not gate_a.admits(normalize("overdose"))
    assert gate_both.admits(normalize("overdose"))


def test_a_gate_needs_every_plain_word_of_a_phrase_not_just_its_anchor() -> None:
    # "notice" is the phrase's one uncommon word, and ordinary support talk is full of it.
    gate = PhraseMatcher({"a": ("no one would notice",)}).gate("a")
    assert not gate.admits(normalize("nobody at work seems to notice how tired I am"))
    assert gate.admits(normalize("honestly no one would notice if I was gone"))


def test_a_phrase_of_common_words_only_opens_its_gate_when_it_has_them_all() -> None:
    # Every word of "want it all to be over" is common: any one of them alone is in nearly every message.
    matcher = PhraseMatcher({"a": ("want it all to be over",)})
    gate = matcher.gate("a")
    assert not gate.admits(normalize("i want to talk about it, it helps to be here"))
    assert gate.admits(normalize("I just want it all to be over"))
    assert [h.label for h in matcher.find(normalize("I just want it all to be over").squeezed)] == ["a"]

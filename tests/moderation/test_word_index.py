"""The shared word index: a message's mask holds the bit of every gate one of its words opens."""

import pytest

from moderation.word_index import WordIndex


def _index() -> tuple[WordIndex, int, int, int]:
    index = WordIndex()
    word, prefix, infix = index.new_bit(), index.new_bit(), index.new_bit()
    index.add_words(["die", "pils"], word)
    index.add_infixes(["fuck"], infix)
    return index, word, prefix, infix


def test_whole_words_and_infixes_set_their_bits():
    index, word, prefix, infix = _index()
    assert index.words_and_mask("i want to die") == (frozenset({"die"}), word)
    assert index.words_and_mask("so motherfucking tired")[1] == infix
    assert index.words_and_mask("studied hard . dies")[1] == 0  # whole words only
    assert index.words_and_mask("")[1] == 0


def test_a_message_is_described_by_the_words_looked_for_only():
    index, word, _, _ = _index()
    index.add_lookups(["want", "insta"])
    assert index.vocabulary == {"die", "pils", "want", "insta"}
    # "want" has no bit but is asked about; "i" and "to" nobody asks about.
    assert index.words_and_mask("i want to die . want") == (frozenset({"want", "die"}), word)
    assert index.known_words("my insta is x") == {"insta"}
    index.add_words(["to"], word)
    assert index.words_and_mask("i want to") == (frozenset({"want", "to"}), word)


def test_prefixes_count_once_registered():
    index, word, prefix, infix = _index()
    assert index.words_and_mask("suicidal thoughts")[1] == 0
    index.add_prefixes(["suic"], prefix)
    assert index.words_and_mask("suicidal thoughts")[1] == prefix
    assert index.words_and_mask("suic")[1] == prefix
    assert index.words_and_mask("sui . pils")[1] == word  # shorter than the prefix: no match


def test_an_infix_must_lie_inside_one_word():
    index = WordIndex()
    with pytest.raises(ValueError):
        index.add_infixes(["two words"], index.new_bit())
    with pytest.raises(ValueError):
        index.add_prefixes(["toolong"], index.new_bit())


def test_the_pieces_of_joined_letters_set_the_bits_of_the_words_among_them():
    index, word, prefix, infix = _index()
    index.add_prefixes(["suic"], prefix)
    pieces = frozenset(index.pieces("xdiex"))
    assert "die" in pieces and index.mask_of_pieces(pieces) == word
    assert index.mask_of_pieces(frozenset(index.pieces("fuckx"))) == infix
    assert index.mask_of_pieces(frozenset(index.pieces("suicx"))) == prefix
    assert index.mask_of_pieces(frozenset(index.pieces("xyz"))) == 0

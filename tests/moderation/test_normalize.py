"""Normalization: what is shown stays the author's text; the matching forms undo evasion tricks."""

from moderation.normalize import clean_display, normalize, squeeze


def test_display_keeps_text_but_drops_controls_bidi_and_zero_width():
    assert clean_display("hello\u202e world\u200b\x07") == "hello world"
    assert clean_display("line one\nline two\ttab") == "line one\nline two\ttab"
    assert clean_display("family 👨\u200d👩\u200d👧") == "family 👨\u200d👩\u200d👧"


def test_display_replaces_lone_surrogates():
    assert clean_display("bad \ud800 char") == "bad \ufffd char"


def test_homoglyphs_fold_to_latin():
    assert normalize("Ι wаnt tο dіе").folded == "i want to die"


def test_full_width_and_accents_fold():
    assert normalize("ＦＵＣＫ").folded == "fuck"
    assert normalize("Suicídio, Straße, cœur").folded == "suicidio strasse coeur"


def test_leetspeak_folds_only_inside_words():
    folded = normalize("k1ll y0urs3lf at 3am, 10mg, 2 years").folded
    assert folded == "kill yourself at 3am 10mg 2 years"


def test_mentions_are_not_leetspeak():
    assert "@j0hn" in normalize("hi @j0hn").folded


def test_spaced_and_dotted_letters_join():
    assert normalize("k i l l myself").folded == "kill myself"
    assert normalize("k.i.l.l").folded == "kill"
    assert normalize("i w a n t to d i e").folded == "i want to die"


def test_stretched_letters_cut_to_two_and_squeezed_to_one():
    message = normalize("sooooo tired, killlll me")
    assert message.folded == "soo tired kill me"
    assert message.squeezed == "so tired kil me"


def test_emoji_inside_a_word_is_dropped_elsewhere_a_space():
    assert normalize("ki💀ll me").folded == "kill me"
    assert normalize("sad 😢 today").folded == "sad today"


def test_sentences_are_marked():
    assert normalize("I'm fine. Really!").folded == "im fine . really"


def test_squeeze():
    assert squeeze("bookkeeper") == "bokeper"


def test_obfuscation_flag():
    assert normalize("k i l l").obfuscated
    assert normalize("h3ll0").obfuscated
    assert not normalize("hello there").obfuscated

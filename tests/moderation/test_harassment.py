"""Harassment and profanity: aimed insults, threats and slurs; Scunthorpe-safe; supportive talk left alone."""

import pytest

from moderation.harassment import assess
from moderation.normalize import normalize


@pytest.mark.parametrize("text", [
    "you're a pathetic attention seeker",
    "shut up you idiot",
    "@mike you are such a moron",
    "eres una idiota",
    "du bist ein Vollidiot",
    "t'es vraiment qu'une conne",
    "você é um otário",
    "all junkies are scum",
    "y0u are a p@thetic l0ser",
])
def test_aimed_insults(text):
    assert assess(normalize(text)).harassment == ("harassment_insult",)


@pytest.mark.parametrize("text", ["kys", "go kill yourself", "I hope you die", "bring dich doch um", "se mata logo"])
def test_threats(text):
    assert "harassment_threat" in assess(normalize(text)).harassment


@pytest.mark.parametrize("text", [
    "you're not stupid for feeling this way",
    "don't call yourself an idiot",
    "I'm such an idiot, I forgot my appointment",
    "your ex sounds like an idiot",
])
def test_not_aimed(text):
    assert assess(normalize(text)).harassment == ()


def test_untargeted_insult_is_only_doubtful():
    finding = assess(normalize("this app is stupid"))
    assert finding.harassment == () and finding.doubtful == ("doubtful_insult",)


@pytest.mark.parametrize("text", ["fuck, today was rough", "holy shit", "f*ck this", "fuuuuck", "joder", "Scheiße", "putain", "porra"])
def test_profanity(text):
    finding = assess(normalize(text))
    assert finding.profanity and finding.harassment == ()


@pytest.mark.parametrize("text", [
    "Scunthorpe", "assassin", "classic cocktail", "shiitake mushrooms", "as if", "the Niger river", "Dickens",
    "hello con amigos", "pussywillow",
])
def test_scunthorpe_safe(text):
    assert assess(normalize(text)) == assess(normalize("hello"))


def test_slur_is_harassment_without_a_target():
    assert "harassment_slur" in assess(normalize("n1gger")).harassment

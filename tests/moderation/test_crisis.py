"""Crisis stage: ideation escalates, methods and plans also hold, and the many look-alikes do not."""

import pytest

from moderation.crisis import Risk, assess
from moderation.normalize import normalize


def risk(text: str) -> Risk:
    return assess(normalize(text)).risk


@pytest.mark.parametrize("text", [
    "I want to die",
    "i don't want to be alive anymore",
    "everyone would be better off without me",
    "I've been having suicidal thoughts",
    "i relapsed and cut myself again last night",
    "this is my last message. goodbye forever",
    "quiero morir",
    "ich will nicht mehr leben",
    "je veux mourir",
    "quero morrer",
    "i w4nt t0 d1e",
    "Ι wаnt tο dіе",
])
def test_ideation(text):
    assert risk(text) is Risk.IDEATION


@pytest.mark.parametrize("text", [
    "I've saved up all my pills",
    "I'm going to kill myself tonight",
    "how many paracetamol would it take to die",
    "voy a tomarme todas las pastillas esta noche",
    "ich werde mich heute Nacht umbringen",
    "je vais sauter du pont demain",
    "vou pular da ponte amanhã",
])
def test_method_or_plan(text):
    assert risk(text) is Risk.METHOD


@pytest.mark.parametrize("text", [
    "I used to self-harm, 2 years clean",
    "When I was 16 I was suicidal, therapy really helped me",
    "this exam is killing me",
    "I could die laughing",
    "I'd kill for a coffee",
    "I want to die my hair purple",
    "can I take ibuprofen with sertraline?",
    "how many mg of melatonin is safe to take?",
    "I don't want to die",
    "I'm not suicidal, just exhausted",
    "during my panic attack I was sure I was going to die",
    "my mom died three weeks ago",
    "me muero de risa",
    "dieser Job bringt mich noch um",
    "je suis mort de rire",
    "tô morrendo de rir",
    "no quiero morir",
])
def test_not_a_crisis(text):
    assert risk(text) is Risk.NONE


def test_contrast_keeps_a_current_signal_after_recovery_talk():
    assert risk("I used to self harm but now I want to cut again") is Risk.IDEATION


def test_reasons_are_stable_codes():
    finding = assess(normalize("I'm going to kill myself tonight"))
    assert finding.reasons == ("self_harm_ideation", "self_harm_plan")


def test_distress_is_only_a_doubt():
    finding = assess(normalize("I can't do this anymore"))
    assert finding.risk is Risk.NONE and finding.distress

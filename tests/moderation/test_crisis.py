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


# Phrasings the fourth held-out batch missed on its first run, each written here in other words than
# the batch's, so the rule is what is tested rather than the sentence.
@pytest.mark.parametrize("text", [
    "my kids would be happier if i werent around",
    "they'd all be fine once i'm gone",
    "i just want it all to be over",
    "my life feels meaningless and i want it to end",
    "i don't see any way out but death",
    "suicide feels like the only way out now",
    "i keep picturing my own funeral",
    "i wish i could be gone",
    "je pense tout le temps à me suicider",
    "fico pensando em suicídio",
    "I'm leaving things for people, something to remember me by",
    "I wrote letters to the people I love",
])
def test_ideation_in_other_words(text):
    assert risk(text) is Risk.IDEATION


@pytest.mark.parametrize("text", [
    "today is the day i end it",
    "been planning how i'd do it, this saturday",
    "I'm going to swallow everything in the bathroom cabinet",
    "i checked how much of my insulin it would take to die",
    "I started giving all my belongings away",
    "ich habe die Pillen bereits gehortet",
])
def test_method_or_plan_in_other_words(text):
    assert risk(text) is Risk.METHOD


@pytest.mark.parametrize("text", [
    # Writing to someone who died is a common grief exercise, not a suicide note.
    "I wrote a letter to my mum who passed last year",
    "tonight is the night i finally go to the concert",
    "I need everything to stop for a minute so I can think",
    # A wish told in the past, then recovery after "but": the "but" turns toward recovery.
    "after the divorce I wanted to die, but I'm glad I stayed",
    "I thought about ending it back then, but I'm in a much better place now",
])
def test_not_a_crisis_in_other_words(text):
    assert risk(text) is Risk.NONE


def test_being_gone_by_a_time_is_a_goodbye():
    finding = assess(normalize("in case i'm dead by tomorrow, thank you all"))
    assert "self_harm_goodbye" in finding.reasons and finding.risk is Risk.METHOD  # "tomorrow" makes it a plan


def test_a_recent_attempt_is_never_recovery_talk():
    # "yesterday" marks it as now: a moderator must check in even though the author says they are here.
    assert risk("I tried to kill myself yesterday but I'm still here") is not Risk.NONE
    assert risk("I tried to kill myself years ago but I'm still here") is Risk.NONE


@pytest.mark.parametrize("text", [
    "standing on the roof again thinking about jumping",
    "i keep wanting to jump. the balcony is right there",
    "ich will springen, die Brücke ist ganz nah",
])
def test_jumping_is_a_crisis_with_a_high_place_in_the_message(text):
    assert risk(text) is not Risk.NONE


@pytest.mark.parametrize("text", [
    "thinking about jumping into the lake this summer",
    "I want to jump on the trampoline with the kids",
    "we went bungee jumping off a bridge in New Zealand",
    "I'm not going to jump off the bridge, I just needed to say how bad it got",
])
def test_jumping_without_a_high_place_or_for_fun_is_not(text):
    assert risk(text) is Risk.NONE

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
    "they would honestly be better off without me",
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
    "i keep picturing my own funeral and wishing it would happen soon",
    "i wish i could be gone",
    "je pense tout le temps à me suicider",
    "fico pensando em suicídio",
    "I wrote letters to the people I love. it wasn't anyone's fault",
])
def test_ideation_in_other_words(text):
    assert risk(text) is Risk.IDEATION


@pytest.mark.parametrize("text", [
    "today is the day i end it",
    "I'm going to swallow everything in the medicine cabinet",
    "i checked how much of my insulin it would take to die",
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
    # Said of an evening or a week away: at most a doubt (one warning sign), never an alert.
    "go to the party, they'd be fine without me",
    "the team will be fine without me for a week",
])
def test_not_a_crisis_in_other_words(text):
    assert risk(text) is Risk.NONE


@pytest.mark.parametrize("text", [
    "in case i'm dead by tomorrow, thank you all",
    "I started giving all my belongings away this weekend",
    "at 3am I keep picturing my own funeral",
    "something to remember me by, I left it with my sister",
    "been planning how i'd do it, this saturday",
    "finished my goodbye letters tonight",
    "everyone would honestly be happier without me",
])
def test_one_warning_sign_alone_is_only_a_doubt(text):
    # Far more often ordinary talk (decluttering, moving, health anxiety, a grief exercise) than a
    # crisis: the strictest rooms hold it for review, the others let it through.
    finding = assess(normalize(text))
    assert finding.risk is Risk.NONE and finding.distress


@pytest.mark.parametrize("text", [
    "giving my things away so my kids have something to remember me by",
    "I wrote goodbye letters. I'm going to do it tomorrow",
    "if I'm not here tomorrow, it wasn't anyone's fault",
    "I can't go on anymore. I started giving all my stuff away",
    "my family would be fine without me, i can't do this anymore",
])
def test_warning_signs_together_alert_a_moderator_but_never_hold(text):
    # Two signs, or one with distress: a check-in, the message shown; a time makes no plan of them.
    finding = assess(normalize(text))
    assert "self_harm_warning_sign" in finding.reasons and finding.risk is Risk.IDEATION


def test_a_recent_attempt_is_never_recovery_talk():
    # "yesterday" marks it as now: a moderator must check in even though the author says they are here.
    assert risk("I tried to kill myself yesterday but I'm still here") is not Risk.NONE
    assert risk("I tried to kill myself years ago but I'm still here") is Risk.NONE


@pytest.mark.parametrize("text", [
    "standing on the roof again thinking about jumping",
    "i keep wanting to jump. the balcony is right there",
    "ich will mich runterstürzen, die Brücke ist ganz nah",
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


@pytest.mark.parametrize("text", [
    # Found by an adversarial review of this session's rules; each was escalated or held.
    "how much insulin it takes to cover a slice of cake",
    "how many painkillers it would take to get through a flare like this",
    "my kids will be fine without me for the weekend, respite care starts friday",
    "I need everything to end up in boxes by Friday",
    "je vais sauter le dîner ce soir, je regarde par la fenêtre",
    "need to jump start the car, it's parked by the building",
    "Je pense au suicide de mon père tous les jours",
    "penso no suicídio do meu irmão",
    "The villain says 'tonight is the night I die' and survives the whole film",
    "Had to jump onto the bus as it was pulling away, knee brace and all",
    "Movers tomorrow. Taking everything from the bathroom in one box",
    "This week is 2 years since I tried to kill myself, and I'm so glad I'm still here",
    "Car battery died again. I need to jump start it, it's parked by the bridge",
    "The bridge has suicide nets now, so people who want to jump are caught",
    "J'ai pensé au suicide assisté pour ma mère en fin de vie",
    "I want my life to stop revolving around dialysis",
])
def test_ordinary_talk_near_the_new_phrasings_is_not_a_crisis(text):
    assert risk(text) is Risk.NONE


@pytest.mark.parametrize("text", [
    "I tried to end it in March but I survived, and honestly I wish I hadn't",
    "I thought about killing myself a lot, but getting help never worked, so what's the point",
    "pienso en el suicidio todos los días",
    "ich denke ständig an Selbstmord",
    "i just want this life to be over",
])
def test_crises_near_the_new_phrasings_still_escalate(text):
    assert risk(text) is not Risk.NONE

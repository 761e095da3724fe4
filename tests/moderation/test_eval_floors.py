"""The acceptance floors over the labeled evaluation set in tests/data."""

from collections import Counter
from pathlib import Path

import pytest

from moderation.cli import load_eval, score
from moderation.pipeline import Pipeline

EVAL = Path(__file__).parents[1] / "data" / "moderation_eval.jsonl"


@pytest.fixture(scope="module")
def records():
    return load_eval(EVAL)


@pytest.fixture(scope="module")
def report(records):
    return score(records, Pipeline(fail_closed=False))


def test_the_set_is_big_and_varied_enough(records):
    assert len(records) >= 400
    labels = Counter(label for r in records for label in r["labels"])
    assert set(labels) == {"self_harm", "harassment", "profanity", "pii", "spam"}
    assert {r.get("locale", "en")[:2] for r in records} >= {"en", "es", "de", "fr", "pt"}
    assert sum(1 for r in records if r.get("hard_negative")) >= 100
    assert sum(1 for r in records if r.get("note") == "obfuscated") >= 15


def test_self_harm_escalation_recall(report):
    assert report.escalation_recall >= 0.97


def test_false_escalations_on_hard_negatives(report):
    assert report.false_escalation_rate <= 0.03


def test_pii_recall(report):
    assert report.recall["pii"] >= 0.95


def test_harassment_precision(report):
    assert report.precision["harassment"] >= 0.9


def test_methods_and_plans_are_held(report):
    assert report.hold_recall >= 0.9

"""The pipeline's combined verdicts: the semantics the hub relies on."""

import pytest

from moderation.config import ModerationConfig
from moderation.pipeline import PRIORITY_CRISIS, Pipeline
from moderation.verdict import Action, Category, ModerationContext, RecentMessage, RoomPolicy

pipeline = Pipeline(fail_closed=False)


def judge(text, level=2, **kw):
    return pipeline.judge(text, ModerationContext(room="r", policy=RoomPolicy(level=level, **kw.pop("policy", {})), **kw))


def test_default_construction_works():
    assert Pipeline().judge("hello", ModerationContext(room="r")).action is Action.ALLOW


def test_ideation_escalates_and_stays_visible():
    v = judge("I want to die")
    assert (v.action, v.publish, v.crisis, v.notify_moderators, v.priority) == (Action.ESCALATE, True, True, True, PRIORITY_CRISIS)
    assert v.categories == (Category.SELF_HARM,) and "self_harm_ideation" in v.reasons
    assert v.author_message


def test_method_escalates_and_holds():
    v = judge("I've saved up all my pills and tonight is the night")
    assert (v.action, v.publish, v.crisis, v.notify_moderators) == (Action.ESCALATE, False, True, True)


def test_harassment_holds_then_blocks_at_level_four():
    held = judge("shut up you idiot")
    assert (held.action, held.publish, held.notify_moderators) == (Action.HOLD, False, True)
    assert 0 < held.priority < PRIORITY_CRISIS
    assert judge("shut up you idiot", level=4).action is Action.BLOCK


def test_profanity_allowed_by_default_blocked_when_asked():
    assert judge("fuck, what a day").action is Action.ALLOW
    assert judge("fuck, what a day", level=3).action is Action.BLOCK
    blocked = judge("fuck, what a day", policy={"actions": {"profanity": Action.BLOCK}})
    assert blocked.action is Action.BLOCK and "swear" in blocked.author_message


def test_pii_is_redacted_and_the_author_told():
    v = judge("call me on 07700 900123", locale="en-GB")
    assert v.action is Action.REDACT and v.publish
    assert v.text == "call me on [phone number removed]"
    assert "phone number" in v.author_message


def test_pii_redacted_even_inside_a_crisis_message():
    v = judge("I want to die, call me at 555 234 9876")
    assert v.action is Action.ESCALATE and "[phone number removed]" in v.text


def test_spam_link_held_allow_listed_not():
    assert judge("visit www.cheap-meds.biz").action is Action.HOLD
    assert judge("findahelpline.com helped me").action is Action.ALLOW


def test_premoderation_of_new_sessions():
    v = judge("hi all", policy={"premoderate_first": 3}, session_message_count=0)
    assert (v.action, v.publish, v.reasons) == (Action.HOLD, False, ("new_session_premoderation",))
    assert judge("hi all", policy={"premoderate_first": 3}, session_message_count=3).action is Action.ALLOW


def test_combined_categories_take_the_most_severe():
    v = judge("you're an idiot and I want to die")
    assert v.action is Action.ESCALATE and not v.publish and v.crisis
    assert set(v.categories) == {Category.SELF_HARM, Category.HARASSMENT}


def test_doubtful_held_only_at_level_four():
    assert judge("this app is stupid").action is Action.ALLOW
    assert judge("this app is stupid", level=4).action is Action.HOLD


def test_repeats_use_recent_messages():
    recent = (RecentMessage("anyone here", 30), RecentMessage("anyone here", 60))
    assert judge("anyone here", recent=recent).reasons == ("spam_repeat",)


def test_crisis_resources_for_the_author():
    assert pipeline.resources_for("pt-BR").to_json()["resources"][0]["contact"] == "188"


def test_fail_closed_holds_instead_of_raising():
    class Broken(Pipeline):
        def _judge(self, text, context):
            raise RuntimeError("bug")

    v = Broken().judge("hello", ModerationContext(room="r"))
    assert (v.action, v.publish, v.notify_moderators, v.reasons) == (Action.HOLD, False, True, ("moderation_error",))


def test_config_allow_list_reaches_the_stages():
    custom = Pipeline(ModerationConfig.from_mapping({"allowed_domains": ["ourcharity.org"], "allowed_numbers": ["0800 555 0199"]}))
    ctx = ModerationContext(room="r", locale="en-GB")
    assert custom.judge("see ourcharity.org", ctx).action is Action.ALLOW
    assert custom.judge("call 0800 555 0199", ctx).action is Action.ALLOW


@pytest.mark.parametrize("text", ["", " ", "\x00\x01", "🙂" * 10, "a" * 100_000])
def test_edge_inputs(text):
    judge(text)

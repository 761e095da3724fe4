"""Room policy: levels, overrides, the catalog table, and the floors no room can lower."""

import pytest

from moderation.policy import action_for, doubtful_action, room_policy_from_mapping
from moderation.verdict import Action, Category, RoomPolicy


def test_default_level_table():
    policy = RoomPolicy()
    assert action_for(Category.SELF_HARM, policy) is Action.ESCALATE
    assert action_for(Category.PII, policy) is Action.REDACT
    assert action_for(Category.HARASSMENT, policy) is Action.HOLD
    assert action_for(Category.PROFANITY, policy) is Action.ALLOW
    assert action_for(Category.SPAM, policy) is Action.HOLD
    assert doubtful_action(policy) is Action.ALLOW


def test_level_zero_only_crisis_and_pii():
    policy = RoomPolicy(level=0)
    assert [action_for(c, policy) for c in Category] == [
        Action.ESCALATE, Action.ALLOW, Action.ALLOW, Action.REDACT, Action.ALLOW,
    ]


def test_level_four_blocks_and_holds_doubtful():
    policy = RoomPolicy(level=4)
    assert action_for(Category.HARASSMENT, policy) is Action.BLOCK
    assert action_for(Category.PROFANITY, policy) is Action.BLOCK
    assert doubtful_action(policy) is Action.HOLD


def test_from_mapping():
    policy = RoomPolicy.from_mapping({"level": 3, "premoderate_first": 2, "actions": {"profanity": "allow", "spam": "block"}})
    assert policy.level == 3 and policy.premoderate_first == 2
    assert action_for(Category.PROFANITY, policy) is Action.ALLOW
    assert action_for(Category.SPAM, policy) is Action.BLOCK
    assert RoomPolicy.from_mapping({}) == room_policy_from_mapping({}) == RoomPolicy(actions={})


@pytest.mark.parametrize("data,message", [
    ({"level": 5}, "level"),
    ({"level": "2"}, "level"),
    ({"level": True}, "level"),
    ({"premoderate_first": -1}, "premoderate_first"),
    ({"actions": {"spam": "explode"}}, "unknown action"),
    ({"actions": {"jokes": "hold"}}, "unknown category"),
    ({"actions": {"self_harm": "allow"}}, "self_harm may be escalate"),
    ({"actions": {"pii": "allow"}}, "pii may be"),
    ({"actions": "hold"}, "actions"),
    ({"lvl": 2}, "unknown moderation setting"),
])
def test_from_mapping_rejects_bad_values(data, message):
    with pytest.raises(ValueError, match=message):
        RoomPolicy.from_mapping(data)

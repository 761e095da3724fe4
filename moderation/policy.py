"""Room policy: what each category gets at each strictness level, per-room overrides, and reading a
room's `[rooms.<name>.moderation]` catalog table.

| category   | 0     | 1     | 2 (default) | 3     | 4     |
|------------|-------|-------|-------------|-------|-------|
| self_harm  | escalate at every level (held too when a method or plan is named)     |
| pii        | redact at every level                                                 |
| harassment | allow | hold  | hold        | hold  | block |
| profanity  | allow | allow | allow       | block | block |
| spam       | allow | hold  | hold        | block | block |
| doubtful   | allow | allow | allow       | allow | hold  |
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from moderation.verdict import Action, Category, RoomPolicy

LEVELS = range(0, 5)

DEFAULT_ACTIONS: Mapping[int, Mapping[Category, Action]] = MappingProxyType({
    level: MappingProxyType({
        Category.SELF_HARM: Action.ESCALATE,
        Category.PII: Action.REDACT,
        Category.HARASSMENT: (Action.ALLOW, Action.HOLD, Action.HOLD, Action.HOLD, Action.BLOCK)[level],
        Category.PROFANITY: (Action.ALLOW, Action.ALLOW, Action.ALLOW, Action.BLOCK, Action.BLOCK)[level],
        Category.SPAM: (Action.ALLOW, Action.HOLD, Action.HOLD, Action.BLOCK, Action.BLOCK)[level],
    })
    for level in LEVELS
})

# Which overrides a room may set. Crisis escalation and PII redaction are floors no room can lower:
# the first is how a person in danger reaches a human, the second protects anonymous members.
ALLOWED_OVERRIDES: Mapping[Category, frozenset[Action]] = MappingProxyType({
    Category.SELF_HARM: frozenset({Action.ESCALATE}),
    Category.PII: frozenset({Action.REDACT, Action.HOLD, Action.BLOCK}),
    Category.HARASSMENT: frozenset({Action.ALLOW, Action.HOLD, Action.BLOCK}),
    Category.PROFANITY: frozenset({Action.ALLOW, Action.HOLD, Action.BLOCK}),
    Category.SPAM: frozenset({Action.ALLOW, Action.HOLD, Action.BLOCK}),
})

# How severe an action is for one category, when several categories combine.
SEVERITY: Mapping[Action, int] = MappingProxyType({
    Action.ALLOW: 0, Action.REDACT: 1, Action.HOLD: 2, Action.BLOCK: 3, Action.ESCALATE: 4,
})


def action_for(category: Category, policy: RoomPolicy) -> Action:
    """The action a room takes for a category: its override if set, else its level's default."""
    # A Category is a str equal to its value, so it finds the override stored under the name.
    override = policy.actions.get(category)
    if override is not None:
        return override if type(override) is Action else Action(override)
    return DEFAULT_ACTIONS[_level(policy)][category]


def doubtful_action(policy: RoomPolicy) -> Action:
    """What happens to doubtful signals (untargeted insults, near-spam, distress): held only at level 4."""
    return Action.HOLD if _level(policy) >= 4 else Action.ALLOW


def _level(policy: RoomPolicy) -> int:
    return min(max(policy.level, 0), 4)


def room_policy_from_mapping(data: Mapping[str, object]) -> RoomPolicy:
    """Build a RoomPolicy from a catalog table: `level`, `premoderate_first`, `actions = {category = "hold"}`.

    Raises ValueError with a message naming the bad key for anything out of range or unknown.
    """
    if not isinstance(data, Mapping):
        raise ValueError("moderation settings must be a table")
    unknown = set(data) - {"level", "premoderate_first", "actions"}
    if unknown:
        raise ValueError(f"unknown moderation setting(s): {', '.join(sorted(map(str, unknown)))}")
    level = data.get("level", 2)
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise ValueError(f"moderation.level must be an integer from 0 to 4, got {level!r}")
    first = data.get("premoderate_first", 0)
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise ValueError(f"moderation.premoderate_first must be a non-negative integer, got {first!r}")
    raw_actions = data.get("actions", {})
    if not isinstance(raw_actions, Mapping):
        raise ValueError("moderation.actions must be a table of category = action")
    actions: dict[str, Action] = {}
    for name, value in raw_actions.items():
        try:
            category = Category(name)
        except ValueError:
            names = ", ".join(c.value for c in Category)
            raise ValueError(f"moderation.actions: unknown category {name!r} (expected one of {names})") from None
        try:
            action = Action(value)
        except ValueError:
            raise ValueError(f"moderation.actions.{name}: unknown action {value!r}") from None
        if action not in ALLOWED_OVERRIDES[category]:
            allowed = ", ".join(sorted(a.value for a in ALLOWED_OVERRIDES[category]))
            raise ValueError(f"moderation.actions.{name} may be {allowed}, not {action.value!r}")
        actions[category.value] = action
    return RoomPolicy(level=level, actions=MappingProxyType(actions), premoderate_first=first)

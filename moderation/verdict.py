"""The seam between the hub and moderation: the context a message is judged in and the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class Action(StrEnum):
    """What the hub does with a message."""

    ALLOW = "allow"
    REDACT = "redact"
    HOLD = "hold"
    BLOCK = "block"
    ESCALATE = "escalate"


class Category(StrEnum):
    """What a message was found to contain. The names are part of the CLI and queue contract."""

    SELF_HARM = "self_harm"
    HARASSMENT = "harassment"
    PROFANITY = "profanity"
    PII = "pii"
    SPAM = "spam"


@dataclass(frozen=True, slots=True)
class RoomPolicy:
    """A room's moderation settings, read from the room catalog.

    `level` grades strictness from 0 (only crisis escalation and PII) to 4 (hold anything doubtful).
    `actions` overrides the default action per category name; `premoderate_first` holds the first K
    messages of a brand-new session.
    """

    level: int = 2
    actions: Mapping[str, Action] = field(default_factory=dict)
    premoderate_first: int = 0

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> RoomPolicy:
        """Read a room catalog's `[rooms.<name>.moderation]` table; raises ValueError on bad values."""
        # Imported here because the policy module builds on the types defined in this one.
        from moderation.policy import room_policy_from_mapping

        return room_policy_from_mapping(data)


@dataclass(frozen=True, slots=True)
class RecentMessage:
    """One of the author's recent messages in the room, as context for spam and flood checks."""

    text: str
    age_seconds: float


@dataclass(frozen=True, slots=True)
class ModerationContext:
    """Everything besides the text that a verdict may depend on. Built by the hub; holds no I/O."""

    room: str
    policy: RoomPolicy = RoomPolicy()
    locale: str = "en"
    session_age_seconds: float = 0.0
    session_message_count: int = 0
    recent: tuple[RecentMessage, ...] = ()


class Verdict(NamedTuple):
    """The outcome for one message.

    `publish` says whether `text` (possibly redacted) reaches the room; `notify_moderators` whether a
    queue item is created (with `priority`, higher first); `crisis` whether the author is sent crisis
    resources. `reasons` are stable codes; `author_message` is the sentence the author is shown.
    """

    action: Action
    text: str
    categories: tuple[Category, ...] = ()
    reasons: tuple[str, ...] = ()
    author_message: str = ""
    priority: int = 0
    publish: bool = True
    notify_moderators: bool = False
    crisis: bool = False

    def to_json(self) -> dict[str, object]:
        """The verdict as the CLI prints it."""
        return {
            "action": self.action.value,
            "categories": [c.value for c in self.categories],
            "reasons": list(self.reasons),
            "text": self.text,
            "publish": self.publish,
            "priority": self.priority,
            "notify_moderators": self.notify_moderators,
            "crisis": self.crisis,
            "author_message": self.author_message,
        }

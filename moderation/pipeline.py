"""The moderation pipeline the hub calls before fan-out: (text, context) -> Verdict, pure and synchronous.

Stages, in order: normalize (display text and matching forms) -> crisis -> harassment and profanity
-> personal information -> spam -> room policy. Every stage only reports what it found; this module
alone turns findings into one verdict, so how categories combine is decided in one place: the most
severe outcome wins, a crisis always escalates, and personal information is always redacted from the
text that may be published.
"""

from __future__ import annotations

from mypy_extensions import mypyc_attr

from moderation import crisis, harassment
from moderation.config import ModerationConfig
from moderation.crisis import Risk
from moderation.normalize import clean_display, normalize
from moderation.pii import NOUNS, PiiDetector, Span, redact
from moderation.policy import SEVERITY, action_for, doubtful_action
from moderation.resources import CrisisResources
from moderation.spam import SpamDetector
from moderation.verdict import Action, Category, ModerationContext, Verdict

PRIORITY_CRISIS = 100
_NOUN_ORDER = {kind: index for index, kind in enumerate(NOUNS)}
PRIORITY = {
    "harassment_threat": 70,
    Category.HARASSMENT: 60,
    Category.PII: 40,
    Category.SPAM: 30,
    Category.PROFANITY: 30,
    "doubtful": 20,
    "new_session_premoderation": 10,
    "moderation_error": 50,
}

# Why a message was held or blocked, as the author is told it; keyed by the deciding reason.
WHY = {
    Category.HARASSMENT: "it may come across as hurtful or threatening to someone here",
    Category.PROFANITY: "this room asks members not to swear",
    "spam_link": "it contains a link that isn't on this room's list of trusted sites",
    "spam_repeat": "it repeats a message you already sent",
    "spam_flood": "you sent a lot of messages very quickly",
    "spam_mentions": "it mentions many people at once",
    "spam_caps": "it is written mostly in capital letters",
    Category.PII: "it contains personal contact details",
    "doubtful": "this room has a moderator look at messages that might upset someone",
    "new_session_premoderation": "in this room a moderator reviews the first messages of each new visitor",
    "moderation_error": "something went wrong while checking it",
}
CRISIS_SHOWN = (
    "Your message was posted. It sounds like you're carrying something very heavy right now, and we're glad "
    "you said it. A moderator has been asked to check in with you, and there are people you can talk to right now."
)
CRISIS_HELD = (
    "Your message is being held for a moderator, who has been asked to check in with you right away. You matter, "
    "and you don't have to face this alone: there are people you can talk to right now."
)


# Tests (and anyone adding a stage) may subclass it even when it is compiled.
@mypyc_attr(allow_interpreted_subclasses=True)
class Pipeline:
    """Runs the moderation stages in order and combines their findings into one verdict.

    Build one per process with a `ModerationConfig` (the defaults need none) and call `judge` for every
    message. It keeps no state between calls, so the same text and context always give the same verdict.
    """

    def __init__(self, config: ModerationConfig | None = None, *, fail_closed: bool = True) -> None:
        self.config = config or ModerationConfig()
        self._pii = PiiDetector(self.config.allowed_numbers, self.config.allowed_domains)
        self._spam = SpamDetector(self.config.allowed_domains, self.config.spam)
        self._fail_closed = fail_closed

    def resources_for(self, locale: str | None) -> CrisisResources:
        """The crisis notice to send an author whose verdict has `crisis` set."""
        return self.config.resources.for_locale(locale)

    def judge(self, text: str, context: ModerationContext) -> Verdict:
        """Judge one message. Never raises; never does I/O; a few tens of microseconds for chat-sized text."""
        if not self._fail_closed:
            return self._judge(text, context)
        try:
            return self._judge(text, context)
        except Exception:  # noqa: BLE001
            # A safety filter that crashes must not let the message through unseen, nor drop it
            # silently: hold it for a human and tell the author. Tests run with fail_closed=False.
            return Verdict(
                action=Action.HOLD,
                text=clean_display(text) if isinstance(text, str) else "",
                reasons=("moderation_error",),
                author_message=_held_sentence(WHY["moderation_error"]),
                priority=PRIORITY["moderation_error"],
                publish=False,
                notify_moderators=True,
            )

    def _judge(self, text: str, context: ModerationContext) -> Verdict:
        message = normalize(text)
        policy = context.policy
        found_crisis = crisis.assess(message)
        found_abuse = harassment.assess(message)
        spans = self._pii.find(message.display, context.locale or "en", message.words)
        found_spam = self._spam.assess(message.display, context.recent, spans)

        findings: dict[Category, tuple[str, ...]] = {}
        if found_crisis.risk:
            findings[Category.SELF_HARM] = found_crisis.reasons
        if found_abuse.harassment:
            findings[Category.HARASSMENT] = found_abuse.harassment
        if found_abuse.profanity:
            findings[Category.PROFANITY] = ("profanity",)
        if spans:
            findings[Category.PII] = tuple(sorted({f"pii_{s.kind}" for s in spans}))
        if found_spam.reasons:
            findings[Category.SPAM] = found_spam.reasons
        doubtful = (*found_abuse.doubtful, *found_spam.doubtful, *(("doubtful_distress",) if found_crisis.distress else ()))
        if not findings and not doubtful and policy.premoderate_first <= context.session_message_count:
            # The common case: nothing found, nothing to combine.
            return Verdict(action=Action.ALLOW, text=message.display)

        publish, notify, priority = True, False, 0
        worst, why = Action.ALLOW, ""
        reasons: list[str] = []
        # `findings` was filled in category order, the order reasons are reported in.
        for category, codes in findings.items():
            reasons.extend(codes)
            if category is Category.SELF_HARM:
                notify, priority = True, PRIORITY_CRISIS
                publish = publish and found_crisis.risk is not Risk.METHOD
                continue
            action = action_for(category, policy)
            if action in (Action.HOLD, Action.BLOCK):
                publish = False
                if action is Action.HOLD:
                    notify = True
                    key = "harassment_threat" if "harassment_threat" in codes else category
                    priority = max(priority, PRIORITY[key])
            if SEVERITY[action] > SEVERITY[worst]:
                worst = action
                why = WHY.get(codes[0], WHY.get(category, ""))

        if doubtful and doubtful_action(policy) is Action.HOLD and worst in (Action.ALLOW, Action.REDACT):
            reasons.extend(sorted(set(doubtful)))
            publish, notify = False, True
            priority = max(priority, PRIORITY["doubtful"])
            worst, why = Action.HOLD, WHY["doubtful"]
        if policy.premoderate_first > context.session_message_count and publish:
            reasons.append("new_session_premoderation")
            publish, notify = False, True
            priority = max(priority, PRIORITY["new_session_premoderation"])
            if SEVERITY[worst] < SEVERITY[Action.HOLD]:
                worst, why = Action.HOLD, WHY["new_session_premoderation"]

        is_crisis = Category.SELF_HARM in findings
        action = Action.ESCALATE if is_crisis else worst
        return Verdict(
            action=action,
            text=redact(message.display, spans) if spans else message.display,
            categories=tuple(findings),
            reasons=tuple(reasons),
            author_message=_author_message(action, publish, is_crisis, why, spans),
            priority=priority,
            publish=publish,
            notify_moderators=notify,
            crisis=is_crisis,
        )


def _author_message(action: Action, publish: bool, is_crisis: bool, why: str, spans: list[Span]) -> str:
    """The sentence the author is shown, so nothing ever happens to their message silently."""
    parts = []
    if is_crisis:
        parts.append(CRISIS_SHOWN if publish else CRISIS_HELD)
    elif action is Action.BLOCK:
        parts.append(f"Your message wasn't posted because {why}. You're welcome to rephrase it and send it again.")
    elif action is Action.HOLD:
        parts.append(_held_sentence(why))
    if spans:
        kinds = sorted({s.kind for s in spans}, key=_NOUN_ORDER.__getitem__)
        removed = _join([NOUNS[k] for k in kinds])
        tail = "; the rest was posted" if publish and not is_crisis else ""
        parts.append(f"We removed {removed} from your message to protect your privacy{tail}.")
    return " ".join(parts)


def _held_sentence(why: str) -> str:
    return f"Your message is waiting for a moderator to review it because {why}. Nobody else can see it until then."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

"""The moderation pipeline the hub calls before fan-out: (text, context) -> Verdict, pure and synchronous."""

from __future__ import annotations

from moderation.verdict import Action, ModerationContext, Verdict


class Pipeline:
    """Runs the moderation stages in order and combines their findings into one verdict.

    The seam for now: every message is allowed unchanged; the filters come with the moderation issue.
    """

    def judge(self, text: str, context: ModerationContext) -> Verdict:
        """Judge one message. Never raises; never does I/O."""
        return Verdict(action=Action.ALLOW, text=text)

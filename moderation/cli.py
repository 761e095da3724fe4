"""Command-line front ends: `check` judges JSON lines from stdin, `eval` scores a labeled evaluation file.

`run_check` and `run_eval` take their streams and pipeline as arguments so the `peerchat` console
script and the tests can drive them directly; `main` is what `python -m moderation.cli` runs.

Evaluation file format, one JSON object per line:

    {"text": "...",                      required
     "labels": ["self_harm", "pii"],     required: the categories the message really contains
     "locale": "es",                     optional, default "en"
     "room": "grief",                    optional
     "level": 2,                         optional room level, default 2
     "escalate": true,                   optional, default: "self_harm" in labels
     "hold": true,                       optional: a method or plan, so the escalation must also hold
     "hard_negative": true,              optional: must not be escalated (recovery talk, figures of speech...)
     "recent": [{"text": "...", "age_seconds": 3}],   optional: the author's recent messages
     "note": "..."}                      optional, ignored
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from moderation.pipeline import Pipeline
from moderation.verdict import Action, Category, ModerationContext, RecentMessage, RoomPolicy


def run_check(
    lines: Iterable[str],
    out: TextIO,
    pipeline: Pipeline,
    policy_for_room: Callable[[str | None], RoomPolicy],
    *,
    default_room: str | None = None,
) -> int:
    """Judge one JSON object per input line and write one JSON verdict (or error) per line, in order.

    Lines that name no room are judged in `default_room`. Returns 0 when every line was judged,
    1 when at least one line was answered with an error.
    """
    failed = False
    for line in lines:
        try:
            result: dict[str, object] = _check_one(line, pipeline, policy_for_room, default_room)
        except _LineError as error:
            failed = True
            result = {"error": {"code": error.code, "message": error.message}}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return 1 if failed else 0


class _LineError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _check_one(
    line: str, pipeline: Pipeline, policy_for_room: Callable[[str | None], RoomPolicy], default_room: str | None
) -> dict[str, object]:
    if not line.strip():
        raise _LineError("empty_line", "expected a JSON object, got an empty line")
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise _LineError("invalid_json", "the line is not valid JSON") from None
    if not isinstance(data, dict):
        raise _LineError("not_an_object", "expected a JSON object with a \"text\" field")
    text, room, locale = data.get("text"), data.get("room", default_room), data.get("locale", "en")
    if not isinstance(text, str):
        raise _LineError("missing_text", "\"text\" must be a string")
    if room is not None and not isinstance(room, str):
        raise _LineError("invalid_room", "\"room\" must be a string when given")
    if locale is None:
        locale = "en"
    if not isinstance(locale, str):
        raise _LineError("invalid_locale", "\"locale\" must be a string when given")
    try:
        policy = policy_for_room(room)
    except (KeyError, LookupError):
        raise _LineError("unknown_room", f"no room named {room!r}") from None
    except ValueError as error:
        raise _LineError("invalid_room_policy", str(error)) from None
    context = ModerationContext(room=room or "", policy=policy, locale=locale)
    return pipeline.judge(text, context).to_json()


@dataclass
class EvalReport:
    """Scores over an evaluation file. Rates are None where nothing was there to measure."""

    total: int = 0
    precision: dict[str, float | None] = field(default_factory=dict)
    recall: dict[str, float | None] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)
    escalation_recall: float | None = None
    escalations_expected: int = 0
    hold_recall: float | None = None
    holds_expected: int = 0
    false_escalation_rate: float | None = None
    hard_negatives: int = 0
    escalation_recall_by_locale: dict[str, float] = field(default_factory=dict)
    misses: list[dict[str, object]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The report as a JSON-ready mapping (misses omitted: they contain message text)."""
        return {k: v for k, v in self.__dict__.items() if k != "misses"}


def score(records: Iterable[Mapping[str, object]], pipeline: Pipeline) -> EvalReport:
    """Judge every record and score the verdicts against the labels."""
    report = EvalReport()
    tp = {c.value: 0 for c in Category}
    fp = dict(tp)
    fn = dict(tp)
    escalated = expected = held = hold_expected = false_escalations = 0
    by_locale: dict[str, list[int]] = {}
    for record in records:
        report.total += 1
        verdict = pipeline.judge(str(record["text"]), _context(record))
        labels = set(record.get("labels", []))  # type: ignore[arg-type]
        found = {c.value for c in verdict.categories}
        for category in tp:
            if category in found and category in labels:
                tp[category] += 1
            elif category in found:
                fp[category] += 1
            elif category in labels:
                fn[category] += 1
        is_escalated = verdict.action is Action.ESCALATE
        if record.get("escalate", "self_harm" in labels):
            expected += 1
            escalated += is_escalated
            locale = str(record.get("locale", "en"))[:2]
            by_locale.setdefault(locale, [0, 0])
            by_locale[locale][0] += is_escalated
            by_locale[locale][1] += 1
        if record.get("hold"):
            hold_expected += 1
            held += is_escalated and not verdict.publish
        if record.get("hard_negative"):
            report.hard_negatives += 1
            false_escalations += is_escalated
        if found != labels or (record.get("hard_negative") and is_escalated):
            report.misses.append({"text": record["text"], "labels": sorted(labels), "found": sorted(found), "action": verdict.action.value})
    for category in tp:
        report.support[category] = tp[category] + fn[category]
        report.precision[category] = _ratio(tp[category], tp[category] + fp[category])
        report.recall[category] = _ratio(tp[category], tp[category] + fn[category])
    report.escalations_expected, report.escalation_recall = expected, _ratio(escalated, expected)
    report.holds_expected, report.hold_recall = hold_expected, _ratio(held, hold_expected)
    report.false_escalation_rate = _ratio(false_escalations, report.hard_negatives)
    report.escalation_recall_by_locale = {k: v[0] / v[1] for k, v in sorted(by_locale.items())}
    return report


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _context(record: Mapping[str, object]) -> ModerationContext:
    recent = tuple(
        RecentMessage(str(r["text"]), float(r.get("age_seconds", 0)))  # type: ignore[union-attr,arg-type]
        for r in record.get("recent", [])  # type: ignore[union-attr]
    )
    level = record.get("level", 2)
    return ModerationContext(
        room=str(record.get("room", "eval")),
        policy=RoomPolicy(level=int(level)),  # type: ignore[arg-type]
        locale=str(record.get("locale", "en")),
        session_message_count=10,
        recent=recent,
    )


def load_eval(path: str | Path) -> list[dict[str, object]]:
    """Read an evaluation file; raises ValueError naming the first bad line."""
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON ({error.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError(f"{path}:{number}: expected an object with a \"text\" string")
            labels = record.get("labels")
            if not isinstance(labels, list) or any(label not in {c.value for c in Category} for label in labels):
                raise ValueError(f"{path}:{number}: \"labels\" must list category names")
            records.append(record)
    return records


def run_eval(path: str | Path, out: TextIO, pipeline: Pipeline, *, as_json: bool = False) -> int:
    """Score a labeled file and print precision and recall per category and the escalation figures.

    Returns 0 on success, 2 if the file cannot be read.
    """
    try:
        records = load_eval(path)
    except (OSError, ValueError) as error:
        out.write(f"error: {error}\n")
        return 2
    report = score(records, pipeline)
    if as_json:
        out.write(json.dumps(report.to_json(), indent=2) + "\n")
        return 0
    out.write(f"{report.total} messages\n\n")
    out.write(f"{'category':<12} {'precision':>9} {'recall':>7} {'support':>8}\n")
    for category in report.precision:
        out.write(
            f"{category:<12} {_fmt(report.precision[category]):>9} {_fmt(report.recall[category]):>7} "
            f"{report.support[category]:>8}\n"
        )
    out.write("\n")
    out.write(f"self-harm escalation recall: {_fmt(report.escalation_recall)} ({report.escalations_expected} expected)\n")
    by_locale = ", ".join(f"{k} {_fmt(v)}" for k, v in report.escalation_recall_by_locale.items())
    out.write(f"  by locale: {by_locale}\n")
    out.write(f"held escalation recall (methods, plans): {_fmt(report.hold_recall)} ({report.holds_expected} expected)\n")
    out.write(
        f"false escalations on hard negatives: {_fmt(report.false_escalation_rate)} "
        f"({report.hard_negatives} hard negatives)\n"
    )
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    """`python -m moderation.cli check [--room R] [--level N]` or `... eval FILE [--json]`."""
    parser = argparse.ArgumentParser(prog="peerchat moderation", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="judge JSON lines from stdin, one verdict per line on stdout")
    check.add_argument("--room", help="room for lines that name none")
    check.add_argument("--level", type=int, default=2, choices=range(5), help="strictness level 0-4 (default 2)")
    evaluate = commands.add_parser("eval", help="score a labeled JSON-lines file")
    evaluate.add_argument("file")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    pipeline = Pipeline()
    if args.command == "check":
        policy = RoomPolicy(level=args.level)
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        return run_check(sys.stdin, sys.stdout, pipeline, lambda room: policy, default_room=args.room)
    return run_eval(args.file, sys.stdout, pipeline, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())

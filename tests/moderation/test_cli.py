"""The CLI: `check` answers every input line with one output line; `eval` prints the scores."""

import io
import json
import subprocess
import sys
from pathlib import Path

from moderation.cli import main, run_check, run_eval
from moderation.pipeline import Pipeline
from moderation.verdict import RoomPolicy

ROOT = Path(__file__).parents[2]
pipeline = Pipeline()


def check(lines, policy_for_room=lambda room: RoomPolicy()):
    out = io.StringIO()
    code = run_check(lines, out, pipeline, policy_for_room)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_verdict_per_line_in_order():
    lines = [
        json.dumps({"text": "I want to die"}),
        json.dumps({"text": "call me on 07700 900123", "locale": "en-GB"}),
        json.dumps({"text": "hello", "room": "grief"}),
    ]
    code, out = check(lines)
    assert code == 0
    assert [o["action"] for o in out] == ["escalate", "redact", "allow"]
    assert out[0]["categories"] == ["self_harm"] and out[0]["reasons"] == ["self_harm_ideation"]
    assert out[1]["text"] == "call me on [phone number removed]"


def test_bad_lines_get_an_error_on_their_line():
    lines = ["not json", "", "[1, 2]", json.dumps({"text": 5}), json.dumps({"text": "ok", "locale": 3}),
             json.dumps({"text": "ok", "room": "nowhere"}), '{"text": "fine"}', '{"text": "\\ud800 lone"}']

    def policy_for_room(room):
        if room == "nowhere":
            raise KeyError(room)
        return RoomPolicy()

    code, out = check(lines, policy_for_room)
    assert code == 1 and len(out) == len(lines)
    assert [o.get("error", {}).get("code") for o in out] == [
        "invalid_json", "empty_line", "not_an_object", "missing_text", "invalid_locale", "unknown_room", None, None,
    ]
    assert out[7]["text"] == "\ufffd lone"


def test_room_policy_is_applied():
    code, out = check([json.dumps({"text": "fuck this", "room": "strict"})], lambda room: RoomPolicy(level=4 if room == "strict" else 2))
    assert out[0]["action"] == "block"


def test_eval_prints_scores(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"text": "I want to die", "labels": ["self_harm"]},
        {"text": "this exam is killing me", "labels": [], "hard_negative": True},
        {"text": "you idiot", "labels": ["harassment"]},
    ]) + "\n")
    out = io.StringIO()
    assert run_eval(path, out, pipeline) == 0
    text = out.getvalue()
    assert "self-harm escalation recall: 1.000" in text
    assert "false escalations on hard negatives: 0.000" in text
    assert "harassment" in text and "precision" in text


def test_eval_rejects_a_bad_file(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "labels": ["jokes"]}\n')
    out = io.StringIO()
    assert run_eval(path, out, pipeline) == 2 and "labels" in out.getvalue()


def test_main_eval_json(capsys):
    assert main(["eval", str(ROOT / "tests" / "data" / "moderation_eval.jsonl"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] >= 400 and data["escalation_recall"] >= 0.97


def test_module_entry_point_reads_stdin():
    stdin = "\n".join([json.dumps({"text": "you are an idiot"}), "oops", json.dumps({"text": "hi"})]) + "\n"
    result = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "check", "--room", "lobby"],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert [line.get("action") for line in lines] == ["hold", None, "allow"]
    assert lines[1]["error"]["code"] == "invalid_json"

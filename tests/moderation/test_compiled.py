"""The compiled pipeline (mypyc) gives the same verdicts as the plain source, and a stale build is never used."""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import moderation
from moderation import compiled
from moderation.cli import load_eval
from moderation.pipeline import Pipeline
from moderation.verdict import ModerationContext

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "tests" / "data" / "moderation_eval.jsonl"
EXTENSION = importlib.machinery.EXTENSION_SUFFIXES[0]


def _fake_build(directory: Path, *, built: tuple[str, ...] = (*compiled.MODULES, *compiled.C_MODULES)) -> None:
    for name in compiled.MODULES:
        (directory / f"{name}.py").write_text(f"NAME = {name!r}\n")
    for source in compiled.C_MODULES.values():
        (directory / source).write_text("/* C */\n")
    for name in built:
        (directory / f"{name}{EXTENSION}").write_bytes(b"")
    (directory / compiled.STAMP).write_text(json.dumps(compiled.source_hashes(directory)))


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(compiled.PURE_PYTHON_ENV, raising=False)


def test_a_build_of_the_current_sources_is_used(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    assert compiled.compiled_are_usable(tmp_path)


def test_a_build_older_than_an_edited_source_is_not_used(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    (tmp_path / "crisis.py").write_text("NAME = 'edited'\n")
    assert not compiled.compiled_are_usable(tmp_path)


def test_a_partial_build_is_not_used(tmp_path: Path) -> None:
    _fake_build(tmp_path, built=compiled.MODULES[1:])
    assert not compiled.compiled_are_usable(tmp_path)


def test_a_build_without_its_c_passes_is_not_used(tmp_path: Path) -> None:
    _fake_build(tmp_path, built=compiled.MODULES)
    assert not compiled.compiled_are_usable(tmp_path)


def test_a_build_whose_c_source_is_missing_is_not_used(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    (tmp_path / "_textscan.c").unlink()
    assert not compiled.compiled_are_usable(tmp_path)


def test_a_build_older_than_an_edited_c_source_is_not_used(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    (tmp_path / "_textscan.c").write_text("/* edited */\n")
    assert not compiled.compiled_are_usable(tmp_path)


def test_a_build_without_its_record_is_not_used(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    (tmp_path / compiled.STAMP).unlink()
    assert not compiled.compiled_are_usable(tmp_path)


def test_plain_python_can_be_asked_for_at_run_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_build(tmp_path)
    monkeypatch.setenv(compiled.PURE_PYTHON_ENV, "1")
    assert not compiled.compiled_are_usable(tmp_path)


def test_this_checkout_runs_its_build_when_it_has_one() -> None:
    # `make test` rebuilds after any source change, so the suite exercises what ships; a stale
    # build here means the tests below would compare the source with itself.
    built = [
        p
        for p in compiled.HERE.iterdir()
        if p.name.split(".")[0] in (*compiled.MODULES, *compiled.C_MODULES) and p.name.endswith(EXTENSION)
    ]
    if built:
        assert moderation.COMPILED, (
            "moderation/ holds a compiled build of other sources; rebuild with `make test` or `pip install -e .`"
        )


def test_compiled_and_plain_python_give_the_same_verdicts() -> None:
    texts = [str(row["text"]) for row in load_eval(EVAL)]
    texts += [" ".join(t.split()[::-1]) for t in texts]  # the same words in other orders and pairings
    script = (
        "import json, sys\n"
        "import moderation\n"
        "from moderation.pipeline import Pipeline\n"
        "from moderation.verdict import ModerationContext\n"
        "assert not moderation.COMPILED\n"
        "p, c = Pipeline(fail_closed=False), ModerationContext(room='r')\n"
        "for line in sys.stdin:\n"
        "    v = p.judge(json.loads(line), c)\n"
        "    print(json.dumps([v.action.value, v.text, list(v.reasons), v.publish, v.priority, v.author_message]))\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", script],
        input="".join(json.dumps(t) + "\n" for t in texts),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, compiled.PURE_PYTHON_ENV: "1"},
        cwd=ROOT,
        check=True,
    ).stdout.splitlines()
    pipeline, context = Pipeline(fail_closed=False), ModerationContext(room="r")
    here = []
    for text in texts:
        v = pipeline.judge(text, context)
        here.append(json.dumps([v.action.value, v.text, list(v.reasons), v.publish, v.priority, v.author_message]))
    assert len(plain) == len(texts)
    mismatches = [(t, a, b) for t, a, b in zip(texts, here, plain) if a != b]
    assert mismatches == []


def test_a_new_build_starts_by_removing_the_old_one(tmp_path: Path) -> None:
    # A module that then fails to compile is missing rather than an old build under a fresh stamp.
    package = tmp_path / "moderation"
    package.mkdir()
    _fake_build(package)
    group = tmp_path / f"peerchat_moderation__mypyc{EXTENSION}"
    group.write_bytes(b"")
    assert compiled.compiled_are_usable(package)
    compiled.remove_built(package)
    assert not group.exists()
    assert not list(package.glob(f"*{EXTENSION}"))
    assert not compiled.compiled_are_usable(package)

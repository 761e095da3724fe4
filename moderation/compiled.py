"""Which moderation modules are compiled with mypyc, and the rule that only ever runs them while fresh.

Why compile: every message is judged on the hub's event loop before any member sees it, and the
pipeline's cost is mostly Python-level work (docs/moderation.md, "Cost"). The modules below are
ordinary Python; `setup.py` compiles them with mypyc, the compiler mypy uses for itself, when a C
compiler is available (PEERCHAT_PURE_PYTHON=1 skips it). With them it builds `_textscan.c`, the
passes over a message's characters written in C, each the twin of a Python function the plain
build runs instead. Verdicts are the same either way.

Why the rule: in a source checkout the compiled files sit next to the sources they were built
from (an editable install puts them there). A source edited after the build would silently not
take effect, so the build records a hash of every source, and at import the compiled modules are
used only if all of them are present and every hash still matches; otherwise, or when
PEERCHAT_PURE_PYTHON=1 is set at run time, all of them are loaded from source. It is all or none
because compiled modules call each other directly, past anything loaded from source.

This module imports nothing from the package, so `setup.py` can use it before anything is installed.
It reads PEERCHAT_PURE_PYTHON from the environment itself (unlike the app's settings) because the
choice is made while building, and at import, before any settings object exists.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

# The pure stages and what they need; not the stores, CLI or configuration loading, which run rarely.
MODULES = (
    "word_index", "normalize", "lexicon", "crisis", "harassment", "pii", "spam", "policy", "verdict", "pipeline",
)
# Written in C: name -> source file.
C_MODULES = {"_textscan": "_textscan.c"}
PACKAGE = "moderation"
STAMP = "_compiled.json"
PURE_PYTHON_ENV = "PEERCHAT_PURE_PYTHON"
HERE = Path(__file__).resolve().parent


def source_hashes(directory: Path = HERE) -> dict[str, str]:
    """The sha256 of each compiled module's source."""
    sources = {name: f"{name}.py" for name in MODULES} | C_MODULES
    return {name: hashlib.sha256((directory / source).read_bytes()).hexdigest() for name, source in sources.items()}


def compiled_extensions(directory: Path = HERE) -> list[Any]:
    """For setup.py: the mypyc extensions (none when disabled or mypyc is missing), and the stamp."""
    if os.environ.get(PURE_PYTHON_ENV) == "1":
        return []
    try:
        from mypyc.build import mypycify
        from setuptools import Extension
    except ImportError:
        print("peerchat: mypyc is not installed; moderation stays plain Python", file=sys.stderr)
        return []
    remove_built(directory)
    (directory / STAMP).write_text(json.dumps(source_hashes(directory), indent=1) + "\n")
    sources = [os.path.relpath(directory / f"{name}.py") for name in MODULES]
    # The build environment holds setuptools and mypy, not the package's dependencies: their types
    # are taken as Any there, which only costs those few calls the compiled fast paths.
    extensions = mypycify(["--ignore-missing-imports", *sources], opt_level="3", group_name="peerchat_moderation")
    extensions += [
        Extension(f"{PACKAGE}.{name}", [os.path.relpath(directory / source)], extra_compile_args=["-O3"])
        for name, source in C_MODULES.items()
    ]
    for extension in extensions:
        # Without a C compiler the build goes on without them, and the package runs as plain Python.
        extension.optional = True
    return extensions


def remove_built(directory: Path = HERE) -> None:
    """Delete what an earlier build left next to the sources. The stamp is written before building,
    and a module may fail to compile (they are optional), so an old build of it must not be there
    to pass for a fresh one: missing, it makes the package run as plain Python."""
    for name in (*MODULES, *C_MODULES):
        while (path := _built_file(name, directory)) is not None:
            path.unlink()
    for path in directory.parent.glob("peerchat_moderation__mypyc.*"):
        path.unlink()


def _built_file(name: str, directory: Path) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = directory / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def compiled_are_usable(directory: Path = HERE) -> bool:
    """True when every compiled module is present and was built from the sources as they are now."""
    if os.environ.get(PURE_PYTHON_ENV) == "1":
        return False
    stamp = directory / STAMP
    if not stamp.exists() or any(_built_file(name, directory) is None for name in (*MODULES, *C_MODULES)):
        return False
    try:
        # A source missing (an install that left out the C file) counts as stale, not as an error.
        return bool(json.loads(stamp.read_text()) == source_hashes(directory))
    except (OSError, ValueError):
        return False


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Loads the compiled modules from their .py sources, ahead of the compiled files."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._names = {f"{PACKAGE}.{name}" for name in MODULES}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._names:
            return None
        source = self._directory / (fullname.rsplit(".", 1)[1] + ".py")
        return importlib.util.spec_from_file_location(fullname, source)


def choose(directory: Path = HERE) -> bool:
    """Called once from the package's __init__: use the compiled modules if usable, else the sources.

    Returns whether the compiled modules are in use.
    """
    if compiled_are_usable(directory):
        return True
    if any(_built_file(name, directory) is not None for name in MODULES):
        sys.meta_path.insert(0, _SourceFinder(directory))
    return False

"""Build hook: compiles the moderation pipeline with mypyc; everything else is in pyproject.toml.

See moderation/compiled.py for why, which modules, and how a stale build is never used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup

# Loaded by path: importing the package would need its dependencies, absent while building.
_spec = importlib.util.spec_from_file_location(
    "_peerchat_compiled", Path(__file__).parent / "moderation" / "compiled.py"
)
assert _spec is not None and _spec.loader is not None
_compiled = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_compiled)

setup(ext_modules=_compiled.compiled_extensions())

"""Moderation: judges every message before any other member can see it (pure logic, no I/O)."""

from moderation.compiled import choose as _choose

# The pure stages may be compiled with mypyc (see moderation/compiled.py); compiled or not, they
# give the same verdicts. Decided once, before any of them is imported.
COMPILED = _choose()

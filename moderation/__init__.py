"""Moderation: judges every message before any other member can see it (pure logic, no I/O)."""

"""Moderation configuration: allow-lists, crisis resources and spam thresholds, with sensible defaults.

Loaded from the `[moderation]` table of the server's TOML settings, for example::

    [moderation]
    allowed_domains = ["ourcharity.org"]        # added to the built-in helpline and resource sites
    allowed_numbers = ["0800 123 456"]          # added to the built-in public helpline numbers
    replace_default_allow_lists = false         # true: use only the lists given here

    [moderation.spam]
    flood_count = 5
    mention_limit = 5

    [moderation.resources."pt-BR"]
    message = "..."
    emergency = "..."
    resources = [{ name = "CVV", contact = "188", note = "24 h" }]
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from moderation.resources import DEFAULT_ALLOWED_DOMAINS, DEFAULT_ALLOWED_NUMBERS, ResourceTable
from moderation.spam import SpamSettings


@dataclass(frozen=True, slots=True)
class ModerationConfig:
    """Everything the pipeline needs besides the message and its context. Immutable; build once."""

    allowed_domains: frozenset[str] = frozenset(DEFAULT_ALLOWED_DOMAINS)
    allowed_numbers: frozenset[str] = frozenset(DEFAULT_ALLOWED_NUMBERS)
    resources: ResourceTable = field(default_factory=ResourceTable)
    spam: SpamSettings = field(default_factory=SpamSettings)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ModerationConfig:
        """Build from a `[moderation]` table; raises ValueError naming any bad key."""
        if not isinstance(data, Mapping):
            raise ValueError("[moderation] must be a table")
        known = {"allowed_domains", "allowed_numbers", "replace_default_allow_lists", "resources", "spam"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown [moderation] key(s): {', '.join(sorted(unknown))}")
        replace = data.get("replace_default_allow_lists", False)
        if not isinstance(replace, bool):
            raise ValueError("moderation.replace_default_allow_lists must be true or false")
        domains = _strings(data, "allowed_domains")
        numbers = _strings(data, "allowed_numbers")
        resources = data.get("resources", {})
        if not isinstance(resources, Mapping):
            raise ValueError("moderation.resources must be a table of locales")
        return cls(
            allowed_domains=frozenset(d.lower() for d in domains) | (frozenset() if replace else frozenset(DEFAULT_ALLOWED_DOMAINS)),
            allowed_numbers=frozenset(numbers) | (frozenset() if replace else frozenset(DEFAULT_ALLOWED_NUMBERS)),
            resources=ResourceTable.from_mapping(resources),
            spam=_spam_settings(data.get("spam", {})),
        )

    @classmethod
    def from_toml(cls, path: str | Path) -> ModerationConfig:
        """Read the `[moderation]` table of a TOML file (an absent table gives the defaults)."""
        with open(path, "rb") as fh:
            document = tomllib.load(fh)
        return cls.from_mapping(document.get("moderation", {}))


def _strings(data: Mapping[str, object], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"moderation.{key} must be a list of strings")
    return value


def _spam_settings(data: object) -> SpamSettings:
    if not isinstance(data, Mapping):
        raise ValueError("moderation.spam must be a table")
    names = {f.name: f for f in fields(SpamSettings)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            raise ValueError(f"unknown moderation.spam key {key!r}")
        default = getattr(SpamSettings(), key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"moderation.spam.{key} must be a non-negative number")
        values[key] = type(default)(value)
    return SpamSettings(**values)

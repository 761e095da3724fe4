"""The room catalog: which topic rooms exist, their texts and limits, loaded from a TOML file."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.protocol import ROOM_NAME_PATTERN


class _RoomEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=ROOM_NAME_PATTERN)
    title: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=500)
    guidelines: str | None = None
    max_members: int = Field(default=500, ge=1)
    max_text_chars: int | None = Field(default=None, ge=1)
    hold_timeout_seconds: int = Field(default=600, ge=1)
    moderation: dict[str, Any] = Field(default_factory=dict)


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guidelines: str = ""
    rooms: list[_RoomEntry] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Room:
    """One topic room as configured."""

    name: str
    title: str
    description: str
    guidelines: str
    max_members: int
    max_text_chars: int
    hold_timeout_seconds: int = 600
    moderation: Mapping[str, Any] = field(default_factory=dict)


class CatalogError(ValueError):
    """The catalog file is missing or invalid; the message says where."""


class Catalog:
    """The configured rooms, in catalog order."""

    def __init__(self, rooms: list[Room]) -> None:
        self._rooms = {room.name: room for room in rooms}

    def get(self, name: str) -> Room | None:
        """The room called `name`, or None."""
        return self._rooms.get(name)

    def __iter__(self) -> Iterator[Room]:
        return iter(self._rooms.values())

    def __len__(self) -> int:
        return len(self._rooms)

    @property
    def names(self) -> list[str]:
        """Room names in catalog order."""
        return list(self._rooms)


def load_catalog(path: Path | None, default_max_text_chars: int) -> Catalog:
    """Read a catalog file (the built-in one when `path` is None) and validate it."""
    try:
        if path is None:
            text = resources.files("rooms").joinpath("default_rooms.toml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        parsed = _CatalogFile.model_validate(tomllib.loads(text))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise CatalogError(f"room catalog {path or 'built-in'}: {exc}") from exc
    names = [entry.name for entry in parsed.rooms]
    if len(set(names)) != len(names):
        raise CatalogError(f"room catalog {path or 'built-in'}: room names must be unique")
    return Catalog(
        [
            Room(
                name=entry.name,
                title=entry.title,
                description=entry.description,
                guidelines=(entry.guidelines or parsed.guidelines).strip(),
                max_members=entry.max_members,
                max_text_chars=entry.max_text_chars or default_max_text_chars,
                hold_timeout_seconds=entry.hold_timeout_seconds,
                moderation=entry.moderation,
            )
            for entry in parsed.rooms
        ]
    )

"""Moderator accounts, sign-in tokens and sign-in failure counts: types and the storage interface.

Secrets and tokens reach the store only as hashes (argon2 for secrets, SHA-256 for tokens): a copy of
the store gives nobody a way to sign in. Implementations: `moderation/accounts_memory.py` and
`moderation/accounts_redis.py`, run against one contract (tests/test_moderation_stores.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a moderator may do: admins also see everyone's audit entries and manage moderators."""

    MODERATOR = "moderator"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Moderator:
    """A moderator as the system knows them (never anonymous to the system)."""

    name: str
    role: Role
    disabled: bool
    created_ms: int


class ModeratorStore(ABC):
    """Where moderators, their secret hashes and their live token hashes are kept."""

    @abstractmethod
    async def create(self, moderator: Moderator, secret_hash: str) -> bool:
        """Add a moderator; False if the name is taken."""

    @abstractmethod
    async def get(self, name: str) -> tuple[Moderator, str] | None:
        """The moderator and their secret hash, or None."""

    @abstractmethod
    async def all(self) -> list[Moderator]:
        """Every moderator, by name."""

    @abstractmethod
    async def set_disabled(self, name: str, disabled: bool) -> bool:
        """Disable (or re-enable) a moderator; disabling revokes all their tokens. False if unknown."""

    @abstractmethod
    async def set_secret_hash(self, name: str, secret_hash: str) -> bool:
        """Replace a moderator's secret hash. False if unknown."""

    @abstractmethod
    async def store_token(self, token_hash: str, name: str, ttl_seconds: int) -> None:
        """Remember a sign-in token (by its hash) for `ttl_seconds`."""

    @abstractmethod
    async def token_owner(self, token_hash: str) -> str | None:
        """The moderator a live token belongs to, or None (unknown, expired or revoked)."""

    @abstractmethod
    async def revoke_token(self, token_hash: str) -> None:
        """End one token now (sign-out)."""

    @abstractmethod
    async def record_failure(self, key: str, window_seconds: int) -> int:
        """Count a failed sign-in for `key` within a sliding window; returns the count in the window."""

    @abstractmethod
    async def clear_failures(self, key: str) -> None:
        """Forget failed sign-ins for `key` (after a success)."""

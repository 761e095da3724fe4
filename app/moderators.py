"""Moderator accounts and sign-in: one-time secrets, argon2 hashes, short-lived revocable tokens.

Moderators are not anonymous to the system (unlike chat users), but nothing here ever stores a secret
or a token in the clear: secrets as argon2 hashes, tokens as SHA-256 hashes (they are long random
strings, so a fast hash is enough and lets a hub check one per request cheaply).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from moderation.accounts import Moderator, ModeratorStore, Role

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$")
_MAX_FAILURES = 5
_FAILURE_WINDOW_SECONDS = 900


@dataclass(frozen=True, slots=True)
class SignInError(Exception):
    """A refused sign-in: `retry_after` is set when refused for too many failures."""

    message: str
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A successful sign-in."""

    moderator: Moderator
    token: str
    expires_in: int


def token_hash(token: str) -> str:
    """How a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


class ModeratorService:
    """Creates moderators, signs them in and resolves tokens to moderators."""

    def __init__(self, store: ModeratorStore, token_ttl_seconds: int) -> None:
        self.store = store
        self._ttl = token_ttl_seconds
        self._hasher = PasswordHasher()

    async def add(self, name: str, role: Role) -> str | None:
        """Create a moderator; returns their one-time secret, or None if the name is taken."""
        if not NAME_PATTERN.match(name):
            raise ValueError("a moderator name is 2-32 letters, digits, '.', '_' or '-'")
        secret = secrets.token_urlsafe(18)
        moderator = Moderator(name=name, role=role, disabled=False, created_ms=int(time.time() * 1000))
        if not await self.store.create(moderator, self._hasher.hash(secret)):
            return None
        return secret

    async def bootstrap(self) -> tuple[str, str] | None:
        """On a fresh deployment with no moderator, create an admin; returns (name, secret) once."""
        if await self.store.all():
            return None
        secret = await self.add("admin", Role.ADMIN)
        return ("admin", secret) if secret is not None else None

    async def sign_in(self, name: str, secret: str) -> SignedIn:
        """Check a name and secret; after too many failures for a name, refuse it for a while."""
        attempts_key = f"signin:{name.casefold()}"
        # Every attempt counts until one succeeds, so even the right secret waits out a lock
        # (otherwise the lock would only slow guessing down, not stop it).
        if await self.store.record_failure(attempts_key, _FAILURE_WINDOW_SECONDS) > _MAX_FAILURES:
            raise SignInError("Too many failed sign-ins; try again later.", _FAILURE_WINDOW_SECONDS)
        found = await self.store.get(name)
        # Verify against a dummy hash when the name is unknown: the same work either way, so the
        # answer's timing does not reveal which names exist.
        stored_hash = found[1] if found is not None and not found[0].disabled else _DUMMY_HASH
        try:
            valid = self._hasher.verify(stored_hash, secret) and stored_hash is not _DUMMY_HASH
        except (VerificationError, InvalidHashError):
            valid = False
        if not valid or found is None:
            raise SignInError("Wrong name or secret.")
        await self.store.clear_failures(attempts_key)
        token = secrets.token_urlsafe(32)
        await self.store.store_token(token_hash(token), found[0].name, self._ttl)
        return SignedIn(found[0], token, self._ttl)

    async def resolve(self, token: str) -> Moderator | None:
        """The moderator a live token belongs to (None if unknown, expired, revoked or disabled)."""
        if not token or len(token) > 200:
            return None
        name = await self.store.token_owner(token_hash(token))
        if name is None:
            return None
        found = await self.store.get(name)
        if found is None or found[0].disabled:
            return None
        return found[0]

    async def sign_out(self, token: str) -> None:
        """Revoke a token now."""
        await self.store.revoke_token(token_hash(token))


_DUMMY_HASH = PasswordHasher().hash(secrets.token_urlsafe(18))

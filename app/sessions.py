"""Anonymous sessions: a random id, a handle, and an HMAC-signed expiring resume token.

Nothing here knows who the person is: no account, no e-mail, no network address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import orjson


@dataclass(frozen=True, slots=True)
class Session:
    """One anonymous person's session: stable across reconnects while its token is valid."""

    id: str
    handle: str
    started_at: float

    @property
    def author_key(self) -> str:
        """A stable pseudonym of the session for stored records; the session id itself stays secret."""
        return hashlib.blake2b(self.id.encode(), digest_size=12).hexdigest()


class InvalidToken(Exception):
    """The resume token is malformed, forged or expired."""


class TokenSigner:
    """Issues and verifies resume tokens: base64url(JSON claims) "." base64url(HMAC-SHA256)."""

    def __init__(self, key: bytes, ttl_seconds: int) -> None:
        self._key = key
        self._ttl = ttl_seconds

    def issue(self, session: Session, now: float) -> str:
        """A token that resumes `session` until now + ttl."""
        claims = {"sid": session.id, "h": session.handle, "st": int(session.started_at), "exp": int(now + self._ttl)}
        body = _b64(orjson.dumps(claims))
        return body + "." + _b64(self._mac(body))

    def verify(self, token: str, now: float) -> Session:
        """The session a token stands for; raises InvalidToken."""
        body, dot, signature = token.partition(".")
        if not dot:
            raise InvalidToken("malformed")
        try:
            given = _unb64(signature)
            claims = orjson.loads(_unb64(body))
        except (ValueError, orjson.JSONDecodeError):
            raise InvalidToken("malformed") from None
        if not hmac.compare_digest(given, self._mac(body)):
            raise InvalidToken("bad signature")
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int) or claims["exp"] < now:
            raise InvalidToken("expired")
        try:
            return Session(id=str(claims["sid"]), handle=str(claims["h"]), started_at=float(claims["st"]))
        except (KeyError, TypeError, ValueError):
            raise InvalidToken("malformed") from None

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode(), hashlib.sha256).digest()


def new_session_id() -> str:
    """128 random bits; never derived from anything about the person."""
    return secrets.token_urlsafe(16)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

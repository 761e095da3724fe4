"""This hub's live chat connections by author, and its moderator feeds: where control messages land."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class AuthorConnection(Protocol):
    """What the registry needs of a chat connection."""

    author_key: str | None

    def deliver(self, frame: str) -> None: ...


class ModeratorFeed(Protocol):
    """What the registry needs of a moderator's live connection."""

    def deliver(self, frame: str) -> None: ...

    async def resync(self) -> None: ...


class Registry:
    """Local connections indexed so a hub-to-hub command reaches the right ones in O(1)."""

    def __init__(self) -> None:
        self._by_author: dict[str, set[AuthorConnection]] = {}
        self.moderator_feeds: set[ModeratorFeed] = set()

    def add(self, author_key: str, connection: AuthorConnection) -> None:
        """Index a connection once its session is known."""
        self._by_author.setdefault(author_key, set()).add(connection)

    def remove(self, author_key: str, connection: AuthorConnection) -> None:
        """Forget a connection that ended."""
        connections = self._by_author.get(author_key)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del self._by_author[author_key]

    def of_author(self, author_key: str) -> list[AuthorConnection]:
        """This hub's connections of one session (usually zero or one)."""
        return list(self._by_author.get(author_key, ()))

    def all_authors(self) -> Iterator[str]:
        """Every author with a connection here."""
        return iter(list(self._by_author))

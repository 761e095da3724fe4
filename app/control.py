"""Acting on hub-to-hub commands: each hub applies them to its own connections and moderator feeds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.protocol import CloseCode, ErrorCode, ProtocolError, encode
from app.services import Services


def handle_control(services: Services, payload: dict[str, Any]) -> None:
    """Apply one command from the bus. Runs on the event loop; anything slow is spawned."""
    kind = payload.get("k")
    registry = services.registry
    if kind == "queue":
        frame = encode({"type": "queue", "change": payload["change"], "item": payload["item"]})
        for feed in list(registry.moderator_feeds):
            feed.deliver(frame)
    elif kind == "deliver":
        for connection in registry.of_author(payload["author"]):
            connection.deliver(payload["frame"])
    elif kind == "mute":
        for connection in registry.of_author(payload["author"]):
            sanctions = connection.sanctions
            connection.sanctions = replace(sanctions, mutes={**sanctions.mutes, payload["scope"]: payload["until"]})
    elif kind == "kick":
        for connection in registry.of_author(payload["author"]):
            services.tasks.spawn(connection.kick(payload["room"]), "kick")
    elif kind == "ban":
        frame = ProtocolError(ErrorCode.BANNED, "A moderator has ended your session.").to_frame()
        for connection in registry.of_author(payload["author"]):
            connection.sanctions = replace(connection.sanctions, banned_until_ms=payload["until"])
            connection.deliver(frame)
            connection.drop(CloseCode.BANNED)
    elif kind == "resync":
        # Commands may have been missed while the bus was down: reload what they would have changed.
        for author in registry.all_authors():
            services.tasks.spawn(_reload_sanctions(services, author), "reload-sanctions")
        for feed in list(registry.moderator_feeds):
            services.tasks.spawn(feed.resync(), "moderator-resync")


async def _reload_sanctions(services: Services, author: str) -> None:
    sanctions = await services.review.sanctions.get(author)
    for connection in services.registry.of_author(author):
        connection.sanctions = sanctions

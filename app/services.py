"""What one hub process runs on: built once by the app factory's lifespan, torn down with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.moderators import ModeratorService
    from app.registry import Registry
    from app.review import ReviewService
    from app.tasks import BackgroundTasks

from app.sessions import TokenSigner
from app.settings import Settings
from moderation.pipeline import Pipeline
from moderation.verdict import RoomPolicy
from rooms.backend import Backend, Retention
from rooms.catalog import Catalog
from rooms.fanout import Flusher
from rooms.hub import Hub


@dataclass(slots=True)
class Services:
    """The process's shared objects, handed to every endpoint."""

    settings: Settings
    catalog: Catalog
    backend: Backend
    hub: Hub
    signer: TokenSigner
    pipeline: Pipeline
    hub_id: str
    policies: dict[str, RoomPolicy]
    review: ReviewService
    moderators: ModeratorService
    registry: Registry
    tasks: BackgroundTasks
    flusher: Flusher
    # Live connections of this process (app.connection.Connection), so shutdown can close them.
    connections: set[Any] = field(default_factory=set)

    @property
    def retention(self) -> Retention:
        """How much history rooms keep."""
        return Retention(self.settings.history_limit, self.settings.history_ttl_seconds)


def make_backend(settings: Settings) -> Backend:
    """The backend the URL names: `memory://` (embedded) or `redis://` / `rediss://` / `unix://`."""
    scheme = settings.redis_url.split(":", 1)[0].lower()
    if scheme == "memory":
        from rooms.memory_backend import MemoryBackend

        return MemoryBackend()
    if scheme in ("redis", "rediss", "unix"):
        from rooms.redis_backend import RedisBackend

        return RedisBackend(settings.redis_url, settings.key_prefix)
    raise ValueError(f"REDIS_URL must start with memory://, redis://, rediss:// or unix://, not {scheme}://")

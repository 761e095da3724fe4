"""The app factory: builds a hub process's services in the lifespan and tears them down after."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import http, mod_api, mod_ws, pages, ws
from app.control import handle_control
from app.moderators import ModeratorService
from app.pages import STATIC_DIR, SecurityHeaders
from app.privacy import ForgetClientAddress
from app.protocol import CloseCode
from app.registry import Registry
from app.review import ReviewService
from app.services import Services, make_backend
from app.sessions import TokenSigner
from app.settings import Settings
from app.stores import make_stores
from app.tasks import BackgroundTasks
from app.transport import CaptureTransport
from moderation.config import ModerationConfig
from moderation.pipeline import Pipeline
from moderation.verdict import RoomPolicy
from rooms.backend import Retention
from rooms.catalog import CatalogError, load_catalog
from rooms.fanout import Flusher
from rooms.hub import Hub

log = logging.getLogger("peerchat")


def create_app(settings: Settings | None = None) -> FastAPI:
    """A peerchat hub as an ASGI app; `settings` default to the environment."""
    settings = settings or Settings()
    catalog = load_catalog(settings.rooms_file, settings.max_text_chars)
    try:
        policies = {room.name: RoomPolicy.from_mapping(room.moderation) for room in catalog}
    except ValueError as invalid:
        raise CatalogError(f"room catalog: moderation settings: {invalid}") from invalid

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backend = make_backend(settings)
        hub_id = secrets.token_hex(8)
        hub = Hub(backend, hub_id, presence_ttl_seconds=3 * settings.presence_interval_seconds)
        await backend.start(hub)
        if settings.secret is not None:
            key = settings.secret.get_secret_value().encode()
        else:
            key = await backend.shared_secret(secrets.token_bytes(32))
        stores = make_stores(backend, settings.key_prefix)
        retention = Retention(settings.history_limit, settings.history_ttl_seconds)
        services = Services(
            settings=settings,
            catalog=catalog,
            backend=backend,
            hub=hub,
            signer=TokenSigner(key, settings.token_ttl_seconds),
            pipeline=Pipeline(ModerationConfig()),
            hub_id=hub_id,
            policies=policies,
            review=ReviewService(
                stores.queue, stores.audit, stores.sanctions, backend, catalog, retention,
                settings.claim_lease_seconds, settings.crisis_reannounce_seconds,
            ),
            moderators=ModeratorService(stores.moderators, settings.moderator_token_ttl_seconds),
            registry=Registry(),
            tasks=BackgroundTasks(),
            flusher=Flusher(),
        )
        hub.control_handler = lambda payload: handle_control(services, payload)
        app.state.services = services
        await _greet_first_admin(services)
        periodic = [
            asyncio.create_task(_every(settings.presence_interval_seconds, hub.refresh_presence, "presence refresh")),
            asyncio.create_task(_every(settings.sweep_interval_seconds, services.review.sweep, "queue sweep")),
        ]
        log.info("hub %s ready with %d rooms on %s", hub_id, len(catalog), settings.redis_url.split(":", 1)[0])
        try:
            yield
        finally:
            for connection in list(services.connections):
                connection.drop(CloseCode.GOING_AWAY)
            for task in periodic:
                task.cancel()
            await asyncio.gather(*periodic, return_exceptions=True)
            await services.tasks.close()
            await hub.close()
            await backend.close()

    app = FastAPI(title="peerchat", version="0.1.0", lifespan=lifespan)
    mod_api.install_error_handlers(app)
    app.include_router(http.router)
    app.include_router(mod_api.router)
    app.include_router(ws.router)
    app.include_router(mod_ws.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ForgetClientAddress)
    app.add_middleware(CaptureTransport)
    return app


async def _greet_first_admin(services: Services) -> None:
    # A fresh deployment has no moderator: make one so the console can be opened at once. The
    # secret goes to the terminal only (not the log), once; only one hub wins the creation.
    created = await services.moderators.bootstrap()
    if created is not None:
        name, secret = created
        print(
            f"\n  No moderator existed, so one was created.\n"
            f"  Sign in to the moderator console at http://{services.settings.host}:{services.settings.port}/mod\n"
            f"  with name '{name}' and secret '{secret}' (shown only this once).\n",
            file=sys.stderr,
            flush=True,
        )


async def _every(interval: float, step: Callable[[], Awaitable[None]], what: str) -> None:
    # Periodic upkeep: a failure (a Redis blip) is logged and the next round tries again.
    while True:
        await asyncio.sleep(interval)
        try:
            await step()
        except Exception as exc:
            log.warning("%s failed: %s", what, type(exc).__name__)

"""The app factory: builds a hub process's services in the lifespan and tears them down after."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator

from fastapi import FastAPI

from fastapi.staticfiles import StaticFiles

from app import http, pages, ws
from app.pages import STATIC_DIR, SecurityHeaders
from app.privacy import ForgetClientAddress
from app.protocol import CloseCode
from app.services import Services, make_backend
from app.sessions import TokenSigner
from app.settings import Settings
from moderation.pipeline import Pipeline
from rooms.catalog import load_catalog
from rooms.hub import Hub

log = logging.getLogger("peerchat")


def create_app(settings: Settings | None = None) -> FastAPI:
    """A peerchat hub as an ASGI app; `settings` default to the environment."""
    settings = settings or Settings()
    catalog = load_catalog(settings.rooms_file, settings.max_text_chars)

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
        services = Services(
            settings=settings,
            catalog=catalog,
            backend=backend,
            hub=hub,
            signer=TokenSigner(key, settings.token_ttl_seconds),
            pipeline=Pipeline(),
            hub_id=hub_id,
        )
        app.state.services = services
        refresher = asyncio.create_task(_refresh_presence(hub, settings.presence_interval_seconds))
        log.info("hub %s ready with %d rooms on %s", hub_id, len(catalog), settings.redis_url.split(":", 1)[0])
        try:
            yield
        finally:
            for connection in list(services.connections):
                connection.drop(CloseCode.GOING_AWAY)
            refresher.cancel()
            await asyncio.gather(refresher, return_exceptions=True)
            await hub.close()
            await backend.close()

    app = FastAPI(title="peerchat", version="0.1.0", lifespan=lifespan)
    app.include_router(http.router)
    app.include_router(ws.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ForgetClientAddress)
    return app


async def _refresh_presence(hub: Hub, interval: float) -> None:
    # Member counts in the shared backend expire unless renewed, so a hub that dies stops counting.
    while True:
        await asyncio.sleep(interval)
        try:
            await hub.refresh_presence()
        except Exception as exc:  # a Redis blip must not end the refresher
            log.warning("presence refresh failed: %s", type(exc).__name__)

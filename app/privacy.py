"""Network identities never enter the app: the client address is removed from every request at the door."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Receive, Scope, Send


class ForgetClientAddress:
    """ASGI middleware that blanks `scope["client"]` before anything else can read or log it.

    The server's own log lines that name the peer read the same scope, so they show nothing either.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope["client"] = None
        await self.app(scope, receive, send)


class DropPrivateRecords(logging.Filter):
    """Drops server log records that could carry a peer address or what people wrote.

    uvicorn names the peer in its per-request lines; the websockets library traces every frame's
    content at debug level ("< TEXT '...'"). Neither may reach a log, whatever the level.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith(("< ", "> ")):
            return False
        return not ('"WebSocket ' in message or ("%s - " in message and record.args))


def logging_config(level: str) -> dict[str, object]:
    """uvicorn log configuration: no access log at all, and no record that names a peer."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_peer": {"()": "app.privacy.DropPrivateRecords"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["no_peer"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "peerchat": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }

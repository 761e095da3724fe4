"""HTTP endpoints: the room list with live counts, liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.services import Services

router = APIRouter()


class RoomInfo(BaseModel):
    """A room as listed to people choosing where to go."""

    name: str
    title: str
    description: str
    guidelines: str
    members: int
    max_text_chars: int


class RoomList(BaseModel):
    """The catalog with member counts summed over every hub process."""

    rooms: list[RoomInfo]


def _services(request: Request) -> Services:
    return request.app.state.services


@router.get("/api/rooms", response_model=RoomList)
async def list_rooms(request: Request) -> RoomList:
    """Every room of the catalog with its live member count over all hubs."""
    services = _services(request)
    counts = await services.backend.presence_counts(services.catalog.names)
    return RoomList(
        rooms=[
            RoomInfo(
                name=room.name,
                title=room.title,
                description=room.description,
                guidelines=room.guidelines,
                members=counts.get(room.name, 0),
                max_text_chars=room.max_text_chars,
            )
            for room in services.catalog
        ]
    )


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive and serving."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The process can reach its backend (Redis, or the embedded one)."""
    if await _services(request).backend.ping():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "unavailable", "reason": "backend unreachable"}, status_code=503)

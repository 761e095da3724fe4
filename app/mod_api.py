"""The moderators' HTTP API (`/api/mod/...`): sign-in, the queue, decisions, actions, audit, team.

Every route but sign-in needs `Authorization: Bearer <token>` from a moderator sign-in; chat sessions'
tokens are a different kind and never work here. Errors are `{"code", "message"}` with a fitting status.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from app.moderators import SignInError
from app.review import Decision, ReviewError, UserAction
from app.services import Services
from moderation.accounts import Moderator, Role

router = APIRouter(prefix="/api/mod", tags=["moderators"])


class ApiError(Exception):
    """An API refusal with an HTTP status, a stable code and a sentence."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, extra: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON body every refusal of this API has."""
    return JSONResponse({"code": code, "message": message, **(extra or {})}, status_code=status, headers=headers)


def _services(request: Request) -> Services:
    return request.app.state.services


def check_origin(origin: str | None, host: str | None, services: Services) -> bool:
    """A browser request must come from this site (or a configured origin); non-browser clients send none."""
    if origin is None:
        return True
    allowed = {f"http://{host}", f"https://{host}", *services.settings.allowed_origins}
    return origin in allowed


async def current_moderator(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    origin: Annotated[str | None, Header()] = None,
) -> Moderator:
    """The signed-in moderator of this request, or 401/403."""
    services = _services(request)
    if not check_origin(origin, request.headers.get("host"), services):
        raise ApiError(403, "bad_origin", "Requests must come from the moderator console's own site.")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "Sign in as a moderator first.", {"WWW-Authenticate": "Bearer"})
    moderator = await services.moderators.resolve(token.strip())
    if moderator is None:
        raise ApiError(401, "unauthenticated", "The sign-in has expired or is not valid.", {"WWW-Authenticate": "Bearer"})
    return moderator


async def current_admin(moderator: Annotated[Moderator, Depends(current_moderator)]) -> Moderator:
    """The signed-in moderator, who must be an admin, or 403."""
    if moderator.role != Role.ADMIN:
        raise ApiError(403, "forbidden", "Only admins may do this.")
    return moderator


ModeratorDep = Annotated[Moderator, Depends(current_moderator)]
AdminDep = Annotated[Moderator, Depends(current_admin)]


class SignInRequest(BaseModel):
    """A moderator's name and secret."""

    name: str = Field(max_length=64)
    secret: str = Field(max_length=200)


class NewModerator(BaseModel):
    """A moderator to create."""

    name: str = Field(max_length=32)
    role: Role = Role.MODERATOR


def _moderator_json(moderator: Moderator) -> dict[str, Any]:
    return {"name": moderator.name, "role": moderator.role.value, "disabled": moderator.disabled}


@router.post("/signin")
async def sign_in(body: SignInRequest, request: Request, origin: Annotated[str | None, Header()] = None) -> Any:
    """Exchange a name and secret for a short-lived bearer token."""
    services = _services(request)
    if not check_origin(origin, request.headers.get("host"), services):
        raise ApiError(403, "bad_origin", "Requests must come from the moderator console's own site.")
    try:
        signed_in = await services.moderators.sign_in(body.name, body.secret)
    except SignInError as refused:
        if refused.retry_after is not None:
            raise ApiError(429, "too_many_attempts", refused.message, {"Retry-After": str(refused.retry_after)})
        raise ApiError(401, "bad_credentials", refused.message)
    return {"token": signed_in.token, "expires_in": signed_in.expires_in, "moderator": _moderator_json(signed_in.moderator)}


@router.post("/signout", status_code=204)
async def sign_out(request: Request, moderator: ModeratorDep,
                   authorization: Annotated[str | None, Header()] = None) -> Response:
    """Revoke the token used for this request."""
    await _services(request).moderators.sign_out((authorization or "").partition(" ")[2].strip())
    return Response(status_code=204)


@router.get("/me")
async def me(moderator: ModeratorDep) -> dict[str, Any]:
    """Who is signed in."""
    return _moderator_json(moderator)


@router.get("/items")
async def active_items(request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """Every open or claimed item, crisis first, then oldest first."""
    items = await _services(request).review.queue.active()
    return {"items": [item.to_json() for item in items]}


@router.get("/items/{item_id}")
async def one_item(item_id: str, request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """One item, whatever its state."""
    item = await _services(request).review.queue.get(item_id)
    if item is None:
        raise ApiError(404, "no_such_item", "There is no such item.")
    return item.to_json()


@router.post("/items/{item_id}/claim")
async def claim(item_id: str, request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """Claim an item (a lease, renewed by claiming again). 409 says who holds it."""
    result = await _services(request).review.claim(item_id, moderator.name)
    return result.item.to_json()  # type: ignore[union-attr]


@router.post("/items/{item_id}/release")
async def release(item_id: str, request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """Give a claimed item back to the queue."""
    return (await _services(request).review.release(item_id, moderator.name)).to_json()


@router.post("/items/{item_id}/decision")
async def decide(item_id: str, decision: Decision, request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """Approve, reject, edit-and-approve, delete, dismiss or hand off an item you hold."""
    return (await _services(request).review.decide(item_id, moderator.name, decision)).to_json()


@router.post("/items/{item_id}/actions")
async def act(item_id: str, action: UserAction, request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """Warn, mute, kick or ban the author of an item you hold."""
    return (await _services(request).review.act(item_id, moderator.name, action)).to_json()


@router.get("/audit")
async def audit(
    request: Request,
    moderator: ModeratorDep,
    before: Annotated[str | None, Query(pattern=r"^[0-9]{1,20}-[0-9]{1,20}$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    of: Annotated[str | None, Query(max_length=32, description="admins: only this moderator's entries")] = None,
) -> dict[str, Any]:
    """The audit log, newest first. Admins see everyone's entries; moderators their own."""
    who = (of or None) if moderator.role == Role.ADMIN else moderator.name
    entries = await _services(request).review.audit.page(who, before, limit)
    return {
        "entries": [entry.to_json() for entry in entries],
        "next_before": entries[-1].id if len(entries) == limit else None,
    }


@router.get("/stats")
async def stats(request: Request, moderator: ModeratorDep) -> dict[str, Any]:
    """Open items by kind and the team's time to first claim and to decision (p50, p95)."""
    result = await _services(request).review.queue.stats()
    return {
        "open_by_kind": result.open_by_kind,
        "claimed": result.claimed,
        "time_to_claim_ms": result.time_to_claim_ms,
        "time_to_decision_ms": result.time_to_decision_ms,
    }


@router.get("/moderators")
async def list_moderators(request: Request, admin: AdminDep) -> dict[str, Any]:
    """Every moderator (admins only)."""
    return {"moderators": [_moderator_json(m) for m in await _services(request).moderators.store.all()]}


@router.post("/moderators", status_code=201)
async def add_moderator(body: NewModerator, request: Request, admin: AdminDep) -> dict[str, Any]:
    """Create a moderator; the answer holds their one-time secret (admins only)."""
    services = _services(request)
    try:
        secret = await services.moderators.add(body.name, body.role)
    except ValueError as invalid:
        raise ApiError(422, "bad_name", str(invalid))
    if secret is None:
        raise ApiError(409, "name_taken", "A moderator with that name exists.")
    await services.review.audit.append(admin.name, "add_moderator", None, None, None, body.name)
    return {"name": body.name, "role": body.role.value, "secret": secret}


@router.post("/moderators/{name}/disable")
async def disable_moderator(name: str, request: Request, admin: AdminDep) -> dict[str, Any]:
    """Disable a moderator and revoke their sign-ins (admins only)."""
    services = _services(request)
    if not await services.moderators.store.set_disabled(name, True):
        raise ApiError(404, "no_such_moderator", "There is no such moderator.")
    await services.review.audit.append(admin.name, "disable_moderator", None, None, None, name)
    return {"name": name, "disabled": True}


def install_error_handlers(app: Any) -> None:
    """Render ApiError and ReviewError as `{"code", "message"}` JSON."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, headers=error.headers)

    @app.exception_handler(ReviewError)
    async def _review_error(request: Request, error: ReviewError) -> JSONResponse:
        extra = {"item": error.item.to_json()} if error.item is not None else None
        return error_response(error.status, error.code, error.message, extra)

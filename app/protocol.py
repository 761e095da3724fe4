"""The wire protocol: client frames parsed from text into typed models (or a typed error), server frames.

Pure: no sockets, no asyncio. `docs/protocol.md` documents every frame, field and code defined here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MESSAGE_ID_PATTERN = r"^[0-9]{1,20}-[0-9]{1,20}$"
ROOM_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,47}$"


class ErrorCode(StrEnum):
    """Stable error codes sent in `error` frames. Never renamed; new ones may be added."""

    BAD_JSON = "bad_json"
    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    HELLO_REQUIRED = "hello_required"
    ALREADY_HELLO = "already_hello"
    INVALID_RESUME_TOKEN = "invalid_resume_token"
    UNKNOWN_ROOM = "unknown_room"
    ROOM_FULL = "room_full"
    ALREADY_JOINED = "already_joined"
    NOT_JOINED = "not_joined"
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_LONG = "text_too_long"
    FORBIDDEN_CHARACTERS = "forbidden_characters"
    RATE_LIMITED = "rate_limited"
    UNKNOWN_MESSAGE = "unknown_message"
    MUTED = "muted"
    BANNED = "banned"
    UNAVAILABLE = "unavailable"
    INTERNAL_ERROR = "internal_error"


class CloseCode:
    """Websocket close codes the server uses, with the reason each stands for."""

    GOING_AWAY = 1001  # the hub is shutting down; reconnect (to any hub)
    POLICY_VIOLATION = 1008  # e.g. no hello in time
    MESSAGE_TOO_BIG = 1009  # a client frame over the size limit
    INTERNAL_ERROR = 1011
    BANNED = 4003  # a moderator banned the session, or its owner ended it ("leave and forget me")
    SLOW_CONSUMER = 4008  # the connection did not read fast enough; reconnect with `since`


@dataclass(frozen=True, slots=True)
class ProtocolError(Exception):
    """A client mistake that becomes an `error` frame; the connection stays open."""

    code: ErrorCode
    message: str
    ref: str | None = None
    retry_after: float | None = None

    def to_frame(self) -> str:
        """The `error` frame for this mistake."""
        frame: dict[str, object] = {"type": "error", "code": self.code.value, "message": self.message}
        if self.ref is not None:
            frame["ref"] = self.ref
        if self.retry_after is not None:
            frame["retry_after"] = round(self.retry_after, 3)
        return encode(frame)


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


RoomName = Annotated[str, Field(pattern=ROOM_NAME_PATTERN)]
MessageId = Annotated[str, Field(pattern=MESSAGE_ID_PATTERN)]


class Hello(_Frame):
    """First frame of a connection: start a session, or resume one with its token."""

    type: Literal["hello"]
    resume_token: Annotated[str, Field(max_length=1024)] | None = None
    locale: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")] | None = None


class Join(_Frame):
    """Enter a room; with `since`, receive exactly the messages after that id first."""

    type: Literal["join"]
    room: RoomName
    since: MessageId | None = None


class Leave(_Frame):
    """Leave a room."""

    type: Literal["leave"]
    room: RoomName


class Send(_Frame):
    """Post a message. `client_id` makes a retry safe: the same id is acknowledged, not posted twice."""

    type: Literal["send"]
    room: RoomName
    text: str
    client_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Report(_Frame):
    """Ask the moderators to look at a message."""

    type: Literal["report"]
    room: RoomName
    message_id: MessageId
    reason: Annotated[str, Field(max_length=500)] = ""


class Forget(_Frame):
    """"Leave and forget me": remove this session's messages from history and end the session."""

    type: Literal["forget"]


class Ping(_Frame):
    """Keep-alive from the application; answered with `pong`."""

    type: Literal["ping"]


ClientFrame = Annotated[Hello | Join | Leave | Send | Report | Forget | Ping, Field(discriminator="type")]
_client_frame = TypeAdapter(ClientFrame)


def parse_client_frame(raw: str | bytes) -> Hello | Join | Leave | Send | Report | Forget | Ping:
    """Turn one websocket message into a typed frame, or raise ProtocolError with a stable code."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError(ErrorCode.BAD_JSON, "The frame is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.BAD_FRAME, "A frame must be a JSON object with a 'type' field.")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.BAD_FRAME, "A frame must be a JSON object with a 'type' field.")
    try:
        return _client_frame.validate_python(data)
    except ValidationError as exc:
        raise _validation_error(exc, kind) from None


def _validation_error(exc: ValidationError, kind: str) -> ProtocolError:
    first = exc.errors(include_input=False, include_url=False)[0]
    if first["type"] == "union_tag_invalid":
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, f"Unknown frame type {kind[:32]!r}.")
    # The location names the field; the input value is never echoed back (it may be private text).
    field = ".".join(str(part) for part in first["loc"][1:]) or "frame"
    problem = {
        "missing": "is required",
        "extra_forbidden": "is not a field of this frame",
        "string_pattern_mismatch": "has the wrong format",
        "string_too_long": "is too long",
        "string_too_short": "is too short",
        "string_type": "must be a string",
    }.get(first["type"], "is not valid")
    return ProtocolError(ErrorCode.BAD_FRAME, f"Field '{field}' {problem} in a '{kind}' frame.")


# C0/C1 controls except tab and newline, and the bidi embedding/override/isolate controls that can make
# text display differently from what it says.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_text(text: str, max_chars: int, ref: str | None = None) -> str:
    """Validate message text; return it with line endings normalised, or raise ProtocolError."""
    text = text.replace("\r\n", "\n")
    if _FORBIDDEN.search(text):
        raise ProtocolError(
            ErrorCode.FORBIDDEN_CHARACTERS,
            "The message contains control or text-direction characters; please remove them.",
            ref,
        )
    if not text.strip() or all(unicodedata.category(ch) in ("Zs", "Cf", "Cc") for ch in text):
        raise ProtocolError(ErrorCode.EMPTY_TEXT, "The message is empty.", ref)
    if len(text) > max_chars:
        raise ProtocolError(
            ErrorCode.TEXT_TOO_LONG, f"The message is {len(text)} characters; the limit is {max_chars}.", ref
        )
    return text


def encode(frame: dict[str, object]) -> str:
    """Serialize one server frame to its JSON text."""
    return orjson.dumps(frame).decode()


def message_body(handle: str, text: str) -> str:
    """The tail of a `message` frame after its id and ts: `"handle":...,"text":...}`.

    The backend stores this body and completes the frame with the id it assigns, so a message is
    serialized once, at publish time, and the same text is written to every member.
    """
    return orjson.dumps({"handle": handle, "text": text}).decode()[1:]


def message_frame(room: str, message_id: str, body: str) -> str:
    """Complete a `message` frame from the stored body; `ts` is the millisecond part of the id."""
    return message_frame_prefix(room) + message_id + '","ts":' + message_id.split("-", 1)[0] + "," + body


def message_frame_prefix(room: str) -> str:
    """The constant head of every `message` frame of a room (room names need no JSON escaping)."""
    return '{"type":"message","room":"' + room + '","id":"'


def message_id_key(message_id: str) -> tuple[int, int]:
    """Order key of a stream id "ms-seq"; ids compare by time, then sequence."""
    ms, _, seq = message_id.partition("-")
    return int(ms), int(seq or 0)

"""How the load generator speaks to each target: connect path, join handshake, and the send frame.

Every dialect carries the same text, so delivery is recognised the same way for every target: the
generator searches the raw bytes of what arrived for `r<run> t=<send ns> s=<sender> n=<seq>`
(numbers spelt in consonants: the moderation pipeline redacts digit runs as phone numbers).
"""

from __future__ import annotations

import asyncio

import orjson

from bench.wsclient import WebSocketClient


class Dialect:
    """A target's protocol as the generator needs it. `setup` returns True once the member has joined."""

    name = "abstract"
    path = "/ws"

    def start(self, client: WebSocketClient, room: str) -> None:
        raise NotImplementedError

    def setup(self, client: WebSocketClient, room: str, payload: bytes) -> bool:
        raise NotImplementedError

    def keepalive(self, client: WebSocketClient, payload: bytes) -> None:
        """Answer the server's application-level pings (socket.io), if the dialect has them."""

    def send_frame(self, room: str, text: str, seq: int) -> bytes:
        raise NotImplementedError


class Peerchat(Dialect):
    """docs/protocol.md: hello, join, send; server frames may be batched with newlines."""

    name = "peerchat"

    retries = 0  # `unavailable` answers retried during setup, in this process

    def start(self, client: WebSocketClient, room: str) -> None:
        client.step = b'{"type":"hello"}'  # type: ignore[attr-defined]
        client.send(client.step)  # type: ignore[attr-defined]

    def setup(self, client: WebSocketClient, room: str, payload: bytes) -> bool:
        for line in payload.split(b"\n"):
            if b'"type":"welcome"' in line:
                client.step = orjson.dumps({"type": "join", "room": room})  # type: ignore[attr-defined]
                client.send(client.step)  # type: ignore[attr-defined]
            elif b'"type":"joined"' in line:
                return True
            elif b'"type":"error"' in line:
                error = orjson.loads(line)
                if error.get("code") != "unavailable":
                    raise RuntimeError(line[:200].decode(errors="replace"))
                # The protocol says: nothing was done, try again after `retry_after`; a client does.
                Peerchat.retries += 1
                asyncio.get_running_loop().call_later(
                    float(error.get("retry_after") or 1.0), client.send, client.step  # type: ignore[attr-defined]
                )
        return False

    def send_frame(self, room: str, text: str, seq: int) -> bytes:
        return orjson.dumps({"type": "send", "room": room, "text": text, "client_id": f"c{seq}"})


class SocketIO(Dialect):
    """Engine.IO 4 / Socket.IO 5 over a websocket, as spoken by socket.io 4 and python-socketio 5."""

    name = "socketio"
    path = "/socket.io/?EIO=4&transport=websocket"

    def start(self, client: WebSocketClient, room: str) -> None:
        pass  # the server speaks first: "0{sid...}" (Engine.IO open)

    def setup(self, client: WebSocketClient, room: str, payload: bytes) -> bool:
        if payload[:1] == b"0":
            client.send(b"40")  # connect to the default namespace
        elif payload[:2] == b"40":
            client.send(b'420["join",' + orjson.dumps(room) + b"]")  # emit with ack id 0
        elif payload[:3] == b"430":
            return True
        elif payload[:2] == b"44":
            raise RuntimeError(payload[:200].decode(errors="replace"))
        else:
            self.keepalive(client, payload)
        return False

    def keepalive(self, client: WebSocketClient, payload: bytes) -> None:
        if payload == b"2":
            client.send(b"3")

    def send_frame(self, room: str, text: str, seq: int) -> bytes:
        return b'42["send",' + orjson.dumps({"room": room, "text": text}) + b"]"


class PlainJson(Dialect):
    """The small JSON protocol of the Channels and broadcaster peers: join -> joined, send -> message."""

    name = "json"

    def start(self, client: WebSocketClient, room: str) -> None:
        client.send(orjson.dumps({"type": "join", "room": room}))

    def setup(self, client: WebSocketClient, room: str, payload: bytes) -> bool:
        return b'"type":"joined"' in payload or b'"type": "joined"' in payload

    def send_frame(self, room: str, text: str, seq: int) -> bytes:
        return orjson.dumps({"type": "send", "room": room, "text": text})


DIALECTS: dict[str, Dialect] = {d.name: d for d in (Peerchat(), SocketIO(), PlainJson())}

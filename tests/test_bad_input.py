"""Every kind of bad input gets an `error` frame with its stable code; the connection stays open."""

from __future__ import annotations

import pytest
import websockets

from tests.support.client import ChatClient, connected


async def _still_open(client: ChatClient) -> None:
    await client.send_frame({"type": "ping"})
    await client.expect("pong")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("this is not json", "bad_json"),
        ("{\"type\": \"send\", ", "bad_json"),
        ("[1, 2, 3]", "bad_frame"),
        ("{\"room\": \"general\"}", "bad_frame"),
        ("{\"type\": 7}", "bad_frame"),
        ("{\"type\": \"dance\"}", "unknown_type"),
        ("{\"type\": \"join\"}", "bad_frame"),
        ("{\"type\": \"join\", \"room\": \"Not A Slug!\"}", "bad_frame"),
        ("{\"type\": \"join\", \"room\": \"room-0\", \"since\": \"yesterday\"}", "bad_frame"),
        ("{\"type\": \"send\", \"room\": \"room-0\", \"text\": 42, \"client_id\": \"a\"}", "bad_frame"),
        ("{\"type\": \"send\", \"room\": \"room-0\", \"text\": \"my secret words\"}", "bad_frame"),
        ("{\"type\": \"send\", \"room\": \"room-0\", \"text\": \"my secret words\", \"client_id\": \"a\", \"x\": 1}", "bad_frame"),
        ("{\"type\": \"report\", \"room\": \"room-0\", \"message_id\": \"nope\"}", "bad_frame"),
    ],
)
async def test_malformed_frames(hubs, raw, code):
    client = await connected(hubs[0].ws_url)
    await client.send_frame(raw)
    error = await client.error(code)
    assert "secret" not in error["message"]  # what the person wrote is never echoed back
    await _still_open(client)
    await client.close()


async def test_frames_before_hello_and_a_second_hello(hubs, room):
    client = await ChatClient(hubs[0].ws_url).connect()
    await client.send_frame({"type": "join", "room": room})
    await client.error("hello_required")
    await client.hello()
    await client.send_frame({"type": "hello"})
    await client.error("already_hello")
    await _still_open(client)
    await client.close()


async def test_forged_or_garbled_resume_token(hubs):
    client = await ChatClient(hubs[0].ws_url).connect()
    genuine = await ChatClient(hubs[1].ws_url).connect()
    token = (await genuine.hello())["resume_token"]
    body, signature = token.split(".")
    for bad in ("garbage", body + "." + signature[::-1], body[:-2] + "." + signature):
        await client.send_frame({"type": "hello", "resume_token": bad})
        await client.error("invalid_resume_token")
    welcome = await client.hello()  # a fresh session is still possible on the same connection
    assert welcome["handle"] != genuine.handle
    await client.close()
    await genuine.close()


async def test_room_errors(hubs, room):
    client = await connected(hubs[0].ws_url)
    await client.send_frame({"type": "join", "room": "no-such-room"})
    assert (await client.error("unknown_room"))["ref"] == "no-such-room"
    await client.send(room, "hello?", client_id="early")
    assert (await client.error("not_joined"))["ref"] == "early"
    await client.send_frame({"type": "leave", "room": room})
    await client.error("not_joined")
    await client.send_frame({"type": "report", "room": room, "message_id": "1-0", "reason": "x"})
    await client.error("not_joined")
    await client.join(room)
    await client.send_frame({"type": "join", "room": room})
    await client.error("already_joined")
    await client.send_frame({"type": "leave", "room": room})
    await client.expect("left", room=room)
    await _still_open(client)
    await client.close()


async def test_room_full(hubs):
    first = await connected(hubs[0].ws_url, "tiny")
    second = await connected(hubs[1].ws_url, "tiny")
    third = await connected(hubs[0].ws_url)
    await first.expect("presence", count=2)
    await third.send_frame({"type": "join", "room": "tiny"})
    await third.error("room_full")
    for client in (first, second, third):
        await client.close()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_text"),
        ("   \n\t  ", "empty_text"),
        ("\u200b\u200b", "empty_text"),
        ("x" * 2001, "text_too_long"),
        ("bell \x07 character", "forbidden_characters"),
        ("null \x00 byte", "forbidden_characters"),
        ("escape \x1b[31m red", "forbidden_characters"),
        ("reversed \u202e txet", "forbidden_characters"),
        ("isolate \u2067 text", "forbidden_characters"),
    ],
)
async def test_bad_text_is_refused_and_nobody_else_sees_it(hubs, room, text, code):
    author = await connected(hubs[0].ws_url, room)
    other = await connected(hubs[1].ws_url, room)
    await author.send(room, text, client_id="bad")
    assert (await author.error(code))["ref"] == "bad"
    await author.send(room, "a fine message", client_id="good")
    await author.expect("ack", client_id="good")
    received = await other.expect("message", room=room)
    assert received["text"] == "a fine message"  # the refused one never reached anybody
    await author.close()
    await other.close()


async def test_text_limit_follows_the_room(hubs):
    author = await connected(hubs[0].ws_url, "short")
    await author.send("short", "y" * 51)
    await author.error("text_too_long")
    await author.send("short", "y" * 50, client_id="fits")
    await author.expect("ack", client_id="fits")
    await author.close()


async def test_flooding_is_rate_limited_with_retry_after(start_hub, room):
    hub = start_hub(PEERCHAT_RATE_BURST="3", PEERCHAT_RATE_PER_SECOND="0.01")
    author = await connected(hub.ws_url, room)
    for number in range(3):
        await author.send(room, f"message {number}", client_id=f"ok{number}")
        await author.expect("ack", client_id=f"ok{number}")
    await author.send(room, "one too many", client_id="flood")
    error = await author.error("rate_limited")
    assert error["ref"] == "flood"
    assert 0 < error["retry_after"] <= 100
    await _still_open(author)
    await author.close()


async def test_a_frame_over_the_size_limit_closes_with_1009(hubs, room):
    client = await connected(hubs[0].ws_url, room)
    bystander = await connected(hubs[0].ws_url, room)
    await client.send_frame({"type": "send", "room": room, "text": "z" * 20_000, "client_id": "big"})
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await client.next_frame()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    await _still_open(bystander)
    await bystander.close()


async def test_a_connection_that_never_says_hello_is_closed(start_hub):
    hub = start_hub(PEERCHAT_HELLO_TIMEOUT_SECONDS="0.3")
    client = await ChatClient(hub.ws_url).connect()
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.next_frame()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008

"""Unit tests of the small pure pieces: tokens, rate limit, outbox, catalog, handles."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.handles import random_handle
from app.ratelimit import TokenBucket
from app.sessions import InvalidToken, Session, TokenSigner
from rooms.catalog import CatalogError, load_catalog
from rooms.fanout import MAX_BATCH_CHARS, Outbox


def test_resume_tokens_round_trip_and_refuse_tampering_and_expiry():
    signer = TokenSigner(b"k" * 32, ttl_seconds=60)
    session = Session("sid-1", "Calm Otter 3", started_at=1000.0)
    token = signer.issue(session, now=1000.0)
    assert signer.verify(token, now=1059.0) == session
    with pytest.raises(InvalidToken):
        signer.verify(token, now=1061.0)
    with pytest.raises(InvalidToken):
        TokenSigner(b"x" * 32, 60).verify(token, now=1000.0)
    body, signature = token.split(".")
    with pytest.raises(InvalidToken):
        signer.verify(body.replace("A", "B", 1) + "." + signature, now=1000.0)
    for garbage in ("", ".", "abc", "a.b.c", "!!!.???"):
        with pytest.raises(InvalidToken):
            signer.verify(garbage, now=1000.0)


def test_author_key_hides_the_session_id():
    session = Session("secret-session-id", "X", 0.0)
    assert "secret" not in session.author_key and session.author_key == Session("secret-session-id", "Y", 1).author_key


def test_token_bucket_allows_a_burst_then_asks_to_wait():
    bucket = TokenBucket(burst=2, rate=0.5, now=0.0)
    assert bucket.take(0.0) is None and bucket.take(0.0) is None
    assert bucket.take(0.0) == pytest.approx(2.0)
    assert bucket.take(1.0) == pytest.approx(1.0)
    assert bucket.take(2.0) is None


async def test_outbox_coalesces_waiting_frames_into_one_newline_delimited_message():
    outbox = Outbox(max_size=10_000, on_overflow=lambda: None)
    outbox.push('{"a":1}')
    assert await outbox.next_batch() == '{"a":1}'
    for number in range(3):
        outbox.push(f'{{"n":{number}}}')
    assert await outbox.next_batch() == '{"n":0}\n{"n":1}\n{"n":2}'
    waiting = asyncio.ensure_future(outbox.next_batch())
    await asyncio.sleep(0)
    assert not waiting.done()
    outbox.push("{}")
    assert await waiting == "{}"


async def test_outbox_splits_a_large_backlog_into_bounded_messages():
    outbox = Outbox(max_size=10 * MAX_BATCH_CHARS, on_overflow=lambda: None)
    frame = "x" * 1000
    for _ in range(600):
        outbox.push(frame)
    batches = [await outbox.next_batch() for _ in range(3)]
    assert all(len(batch) <= MAX_BATCH_CHARS for batch in batches)
    assert sum(batch.count("x") for batch in batches) == 600 * 1000


async def test_outbox_overflow_closes_it_and_reports_once():
    overflows = []
    outbox = Outbox(max_size=100, on_overflow=lambda: overflows.append(1))
    for _ in range(5):
        outbox.push("y" * 40)
    assert overflows == [1] and outbox.closed
    assert await outbox.next_batch() is None


def test_builtin_catalog_has_the_peer_support_rooms():
    catalog = load_catalog(None, 2000)
    assert {"anxiety", "depression", "grief", "recovery", "chronic-illness", "caregivers", "lgbtq", "general"} <= set(
        catalog.names
    )
    for room in catalog:
        assert room.title and room.description and "confidential" in room.guidelines


def test_catalog_errors_are_clear(tmp_path: Path):
    bad = tmp_path / "rooms.toml"
    bad.write_text('[[rooms]]\nname = "Bad Name"\ntitle = "x"\n')
    with pytest.raises(CatalogError, match="name"):
        load_catalog(bad, 2000)
    bad.write_text('[[rooms]]\nname = "a"\ntitle = "x"\n[[rooms]]\nname = "a"\ntitle = "y"\n')
    with pytest.raises(CatalogError, match="unique"):
        load_catalog(bad, 2000)
    with pytest.raises(CatalogError):
        load_catalog(tmp_path / "missing.toml", 2000)


def test_handles_look_friendly():
    handle = random_handle()
    adjective, animal, number = handle.split(" ")
    assert adjective.istitle() and animal.istitle() and 0 <= int(number) < 100


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65_535, 65_536, 300_000])
async def test_text_frames_parse_back_with_the_websockets_parser(size):
    from websockets.frames import Frame, Opcode
    from websockets.streams import StreamReader

    from rooms.fanout import text_frame

    payload = ("é" * size).encode()[:size]
    reader = StreamReader()
    reader.feed_data(text_frame(payload))
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    assert frame.opcode == Opcode.TEXT and frame.fin and frame.data == payload


async def test_a_direct_outbox_writes_each_pass_as_one_message_over_a_real_socket():
    from rooms.fanout import Flusher

    received = bytearray()
    got = asyncio.Event()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            received.extend(data)
            got.set()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    flusher = Flusher()
    outboxes = [Outbox(10_000, lambda: None, writer.transport, flusher) for _ in range(2)]
    shared = ['{"n":1}', '{"n":2}']
    for frame in shared:
        for outbox in outboxes:
            outbox.push(frame)
    await asyncio.sleep(0)  # the flusher runs at the end of this pass of the loop
    expected = bytes((0x81, len('{"n":1}\n{"n":2}'))) + b'{"n":1}\n{"n":2}'
    while len(received) < 2 * len(expected):
        got.clear()
        await got.wait()
    assert bytes(received) == expected * 2
    writer.close()
    server.close()

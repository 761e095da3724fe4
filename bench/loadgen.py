"""The load generator: worker processes that hold the connections, send, and count every delivery.

The coordinator (`LoadGenerator`) hands each worker a share of the connections and drives all of
them through the same phases: connect (every member joined), run (senders publish, as fast as the
server takes or at a fixed rate), drain (wait until every reader has every message that was sent,
or a deadline), close. Each message's text carries the run's nonce, the send time (CLOCK_MONOTONIC,
one clock for every process on the machine), the sender and its sequence number, so loss,
duplicates and end-to-end latency are measured at the receiver, whatever the target.
"""

from __future__ import annotations

import array
import asyncio
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.dialects import DIALECTS, Dialect
from bench.wsclient import WebSocketClient, connect

_NEVER = sys.maxsize

# Numbers travel as consonants (0-9 -> b..p without vowels): the moderation pipeline would redact a
# run of digits as a phone number, and without vowels no letter run can form a word it might flag.
_DIGITS, _LETTERS = b"0123456789", b"bcdfghjkmn"
_ENCODE = str.maketrans(_DIGITS.decode(), _LETTERS.decode())
_DECODE = bytes.maketrans(_LETTERS, _DIGITS)
# Padding for larger messages: ordinary lowercase words (no run of short messages, no caps, no repeats).
_PAD_WORDS = "thanks for listening it helps to write it down today "


def new_nonce() -> str:
    """A run marker of letters only (see `_ENCODE`)."""
    return "".join(_LETTERS.decode()[b % 10] for b in os.urandom(8))


def encode_number(value: int) -> str:
    return str(value).translate(_ENCODE)


@dataclass(frozen=True, slots=True)
class ConnectionSpec:
    """One connection: where it goes, which room it joins, whether it sends (sender id) or stalls.

    `witness_for` names the sender whose send window this connection's receipts refill: a member on
    the other hub, late in the room's join order, so a sender runs ahead of the room by at most its
    window rather than only ahead of its own echo (which its local hub returns first).
    """

    port: int
    room: str
    sender: int = -1
    slow: bool = False
    witness_for: int = -1
    host: str = "127.0.0.1"


@dataclass(slots=True)
class RunPlan:
    """What senders do in the run phase. `rate` is per sender in messages/s; 0 means as fast as possible."""

    duration: float
    warmup: float
    rate: float = 0.0
    window: int = 8
    text_bytes: int = 0


# -- worker side ----------------------------------------------------------------------------------


class _Member:
    __slots__ = (
        "spec", "client", "ready", "seen", "unique", "duplicates", "expected", "outstanding", "seq", "closed",
    )

    def __init__(self, spec: ConnectionSpec, ready: asyncio.Future[None]) -> None:
        self.spec = spec
        self.client: WebSocketClient | None = None
        self.ready = ready
        self.seen: dict[int, bytearray] = {}
        self.unique = 0
        self.duplicates = 0
        self.expected = _NEVER
        self.outstanding = 0
        self.seq = 0
        self.closed = False


class _Worker:
    """One worker process's connections and counters."""

    def __init__(self, pipe: Any, dialect: Dialect, nonce: str) -> None:
        self.pipe = pipe
        self.dialect = dialect
        self.nonce = nonce
        self.pattern = re.compile(rb"r" + nonce.encode() + rb" t=([b-n]+) s=([b-n]+) n=([b-n]+)")
        self.members: list[_Member] = []
        self.senders: dict[int, _Member] = {}
        self.latencies = array.array("q")
        self.window_from = _NEVER
        self.window_until = _NEVER
        self.window_deliveries = 0
        self.running = False
        self.window = 0
        self.text_pad = ""
        self.unexpected_closes = 0
        self.slow_closed = 0
        self.complete = 0
        self.complete_target = _NEVER
        self.all_complete = asyncio.Event()
        self.setup_errors: list[str] = []

    # Receive path: one call per socket read. Kept flat: it runs once per delivery batch.
    def on_messages(self, client: WebSocketClient, payloads: list[bytes]) -> None:
        member: _Member = client.member  # type: ignore[attr-defined]
        if not member.ready.done():
            for payload in payloads:
                try:
                    if self.dialect.setup(client, member.spec.room, payload):
                        member.ready.set_result(None)
                        break
                except RuntimeError as error:
                    member.ready.set_exception(error)
                    return
            return
        if self.dialect.name == "socketio":
            for payload in payloads:
                if payload == b"2":
                    client.send(b"3")
        now = time.monotonic_ns()
        data = payloads[0] if len(payloads) == 1 else b"\n".join(payloads)
        seen = member.seen
        witnessed = member.spec.witness_for
        lat_from, lat_until = self.window_from, self.window_until
        latencies = self.latencies
        echoes = 0
        fresh = 0
        for match in self.pattern.finditer(data):
            sent_at = int(match[1].translate(_DECODE))
            sender = int(match[2].translate(_DECODE))
            seq = int(match[3].translate(_DECODE))
            marks = seen.get(sender)
            if marks is None:
                marks = seen[sender] = bytearray(4096)
            if seq >= len(marks):
                marks.extend(bytes(seq - len(marks) + 4096))
            if marks[seq]:
                member.duplicates += 1
                continue
            marks[seq] = 1
            fresh += 1
            if lat_from <= sent_at < lat_until:
                latencies.append((now - sent_at) // 1000)
            if sender == witnessed:
                echoes += 1
        if fresh:
            member.unique += fresh
            if lat_from <= now < lat_until:
                self.window_deliveries += fresh
            if member.unique >= member.expected and member.unique - fresh < member.expected:
                self._completed()
        if echoes:
            owner = self.senders[witnessed]
            owner.outstanding -= echoes
            if self.running and self.window:
                self._refill(owner)

    def on_open(self, client: WebSocketClient) -> None:
        self.dialect.start(client, client.member.spec.room)  # type: ignore[attr-defined]

    def on_close(self, client: WebSocketClient) -> None:
        member: _Member = client.member  # type: ignore[attr-defined]
        member.closed = True
        if not member.ready.done():
            member.ready.set_exception(ConnectionError("closed before joining"))
            return
        if member.spec.slow:
            self.slow_closed += 1
        else:
            self.unexpected_closes += 1
            if self.complete_target != _NEVER and member.unique < member.expected:
                self.complete_target -= 1
                self._check_complete()

    def _completed(self) -> None:
        self.complete += 1
        self._check_complete()

    def _check_complete(self) -> None:
        if self.complete >= self.complete_target:
            self.all_complete.set()

    def _text(self, member: _Member) -> str:
        return (
            f"r{self.nonce} t={encode_number(time.monotonic_ns())} s={encode_number(member.spec.sender)} "
            f"n={encode_number(member.seq)} {self.text_pad}"
        )

    def _refill(self, member: _Member) -> None:
        frames = []
        while member.outstanding < self.window:
            frames.append(self.dialect.send_frame(member.spec.room, self._text(member), member.seq))
            member.seq += 1
            member.outstanding += 1
        if frames and member.client is not None:
            member.client.send_many(frames)

    # -- phases ---------------------------------------------------------------------------------

    async def connect(self, specs: Sequence[ConnectionSpec], concurrency: int, timeout: float) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(concurrency)
        started = time.monotonic()

        async def one(spec: ConnectionSpec) -> None:
            member = _Member(spec, loop.create_future())
            self.members.append(member)
            if spec.sender >= 0:
                self.senders[spec.sender] = member
            async with gate:
                client = await connect(
                    spec.host,
                    spec.port,
                    self.dialect.path,
                    self.on_open,
                    self.on_messages,
                    self.on_close,
                    receive_buffer=4096 if spec.slow else None,
                    prepare=lambda c: setattr(c, "member", member),
                )
                member.client = client
                await member.ready

        results = await asyncio.wait_for(
            asyncio.gather(*(one(spec) for spec in specs), return_exceptions=True), timeout
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        return {
            "connected": len(specs) - len(failed),
            "failed": len(failed),
            "errors": sorted({f"{type(e).__name__}: {e}"[:200] for e in failed})[:5],
            "seconds": time.monotonic() - started,
            "setup_retries": getattr(self.dialect, "retries", 0),
        }

    async def run(self, plan: RunPlan, start_ns: int) -> dict[str, Any]:
        pad = _PAD_WORDS * (plan.text_bytes // len(_PAD_WORDS) + 1)
        self.text_pad = pad[: max(plan.text_bytes, 24)].strip()
        self.window = plan.window if plan.rate == 0 else 0
        self.window_from = start_ns + int(plan.warmup * 1e9)
        self.window_until = start_ns + int(plan.duration * 1e9)
        await asyncio.sleep(max(start_ns - time.monotonic_ns(), 0) / 1e9)
        for member in self.members:
            if member.spec.slow and member.client is not None:
                member.client.pause_reading()
        self.running = True
        senders = [m for m in self.senders.values() if not m.closed]
        if plan.rate == 0:
            for member in senders:
                self._refill(member)
            await asyncio.sleep(max(self.window_until - time.monotonic_ns(), 0) / 1e9)
        else:
            interval = int(1e9 / plan.rate)
            # Spread the senders' first sends over one interval so the load is even, not in bursts.
            due = {m.spec.sender: start_ns + interval * i // max(len(senders), 1) for i, m in enumerate(senders)}
            while (now := time.monotonic_ns()) < self.window_until:
                for member in senders:
                    sender = member.spec.sender
                    if due[sender] <= now and member.client is not None:
                        member.client.send(self.dialect.send_frame(member.spec.room, self._text(member), member.seq))
                        member.seq += 1
                        due[sender] += interval
                await asyncio.sleep(max(min(due.values()) - time.monotonic_ns(), 0) / 1e9)
        self.running = False
        return {"sent": {m.spec.sender: m.seq for m in self.senders.values()}}

    async def drain(self, sent_by_room: dict[str, int], timeout: float) -> dict[str, Any]:
        # A room's senders may live in other workers, so the coordinator sends the totals per room.
        readers = [m for m in self.members if not m.spec.slow]
        self.complete = 0
        target = 0
        for member in readers:
            member.expected = sent_by_room.get(member.spec.room, 0)
            if member.closed:
                continue
            target += 1
            if member.unique >= member.expected:
                self.complete += 1
        self.complete_target = target
        self._check_complete()
        started = time.monotonic()
        try:
            await asyncio.wait_for(self.all_complete.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        lost = sum(max(m.expected - m.unique, 0) for m in readers)
        return {
            "expected": sum(m.expected for m in readers),
            "delivered": sum(min(m.unique, m.expected) for m in readers),
            "lost": lost,
            "readers_with_loss": sum(1 for m in readers if m.unique < m.expected),
            "duplicates": sum(m.duplicates for m in readers),
            "slow_delivered": sum(m.unique for m in self.members if m.spec.slow),
            "window_deliveries": self.window_deliveries,
            "latencies_us": self.latencies.tobytes(),
            "unexpected_closes": self.unexpected_closes,
            "slow_closed": self.slow_closed,
            "drain_seconds": time.monotonic() - started,
        }

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command, args = await loop.run_in_executor(None, self.pipe.recv)
            if command == "connect":
                reply = await self.connect(*args)
            elif command == "run":
                reply = await self.run(*args)
            elif command == "drain":
                reply = await self.drain(*args)
            elif command == "close":
                for member in self.members:
                    if member.client is not None:
                        member.client.abort()
                self.pipe.send({})
                return
            else:
                reply = {"error": f"unknown command {command}"}
            self.pipe.send(reply)


def _worker_main(pipe: Any, dialect: str, nonce: str, cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    try:
        import uvloop  # installed with uvicorn[standard]; about halves the cost of each socket read
    except ImportError:
        asyncio.run(_Worker(pipe, DIALECTS[dialect], nonce).serve())
    else:
        uvloop.run(_Worker(pipe, DIALECTS[dialect], nonce).serve())


# -- coordinator side -----------------------------------------------------------------------------


@dataclass
class LoadGenerator:
    """Worker processes driven in lock-step. Use as a context manager; every worker is ended on exit."""

    dialect: str
    nonce: str
    workers: int = 2
    cpus: set[int] | None = None
    _pipes: list[Any] = field(default_factory=list)
    _processes: list[multiprocessing.process.BaseProcess] = field(default_factory=list)
    _specs: list[list[ConnectionSpec]] = field(default_factory=list)

    def __enter__(self) -> "LoadGenerator":
        context = multiprocessing.get_context("spawn")
        for _ in range(self.workers):
            parent, child = context.Pipe()
            process = context.Process(
                target=_worker_main, args=(child, self.dialect, self.nonce, self.cpus), daemon=True
            )
            process.start()
            child.close()
            self._pipes.append(parent)
            self._processes.append(process)
            self._specs.append([])
        return self

    def __exit__(self, *exc: object) -> None:
        for pipe in self._pipes:
            try:
                pipe.send(("close", ()))
            except (BrokenPipeError, OSError):
                pass
        for process in self._processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes if p.pid is not None]

    def _call(self, command: str, per_worker_args: Iterable[tuple[Any, ...]], timeout: float) -> list[dict[str, Any]]:
        for pipe, args in zip(self._pipes, per_worker_args):
            pipe.send((command, args))
        replies = []
        deadline = time.monotonic() + timeout
        for pipe in self._pipes:
            if not pipe.poll(max(deadline - time.monotonic(), 0.0)):
                raise TimeoutError(f"load generator worker did not answer {command!r} in {timeout:.0f} s")
            replies.append(pipe.recv())
        return replies

    def connect(self, specs: Sequence[ConnectionSpec], concurrency: int = 100, timeout: float = 60.0) -> dict[str, Any]:
        """Open and join every connection. A room's members all go to one worker (rooms round-robin), so a
        sender and its witness share a process."""
        shares: list[list[ConnectionSpec]] = [[] for _ in self._pipes]
        workers_of_rooms: dict[str, int] = {}
        for spec in specs:
            worker = workers_of_rooms.setdefault(spec.room, len(workers_of_rooms) % len(shares))
            shares[worker].append(spec)
        for mine, share in zip(self._specs, shares):
            mine.extend(share)
        started = time.monotonic()
        replies = self._call("connect", ((s, concurrency, timeout) for s in shares), timeout + 10)
        return {
            "connected": sum(r["connected"] for r in replies),
            "failed": sum(r["failed"] for r in replies),
            "errors": sorted({e for r in replies for e in r["errors"]})[:5],
            "seconds": time.monotonic() - started,
            "setup_retries": sum(r["setup_retries"] for r in replies),
        }

    def run(self, plan: RunPlan) -> dict[str, int]:
        """Run the senders; returns messages sent per room."""
        start_ns = time.monotonic_ns() + 200_000_000  # every worker starts at the same instant
        replies = self._call("run", ((plan, start_ns) for _ in self._pipes), plan.duration + 30)
        sent: dict[int, int] = {}
        for reply in replies:
            sent.update(reply["sent"])
        rooms: dict[str, int] = {}
        for share in self._specs:
            for spec in share:
                if spec.sender >= 0:
                    rooms[spec.room] = rooms.get(spec.room, 0) + sent.get(spec.sender, 0)
        return rooms

    def drain(self, sent_by_room: dict[str, int], timeout: float = 15.0) -> dict[str, Any]:
        """Wait until every reader has every message, or `timeout`; merged counters and latencies."""
        replies = self._call("drain", ((sent_by_room, timeout) for _ in self._pipes), timeout + 30)
        merged: dict[str, Any] = {}
        latencies = array.array("q")
        for reply in replies:
            latencies.frombytes(reply.pop("latencies_us"))
            for key, value in reply.items():
                merged[key] = max(merged.get(key, 0), value) if key == "drain_seconds" else merged.get(key, 0) + value
        merged["latencies_us"] = latencies
        return merged


def percentile(sorted_values: Sequence[int], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values))) - 1))
    return float(sorted_values[index])

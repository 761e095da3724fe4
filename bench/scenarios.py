"""The scenarios of issue 6, each bounded in time and count, run the same way against every target."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.loadgen import ConnectionSpec, LoadGenerator, RunPlan, new_nonce, percentile
from bench.servers import PEERS_VENV, ROOT, Hubs, Target, busy_seconds, cpu_seconds, rss_bytes, start_hubs


@dataclass
class Placement:
    """Which cores run what; the same for every target (hubs on one core, Redis and generator on the other)."""

    hubs: str | None = "0"
    generator: set[int] | None = field(default_factory=lambda: {1})
    workers: int = 2

    def describe(self) -> str:
        if self.hubs is None:
            return "not pinned"
        return f"hubs on CPU {self.hubs}; Redis and {self.workers} generator processes on CPU " + ",".join(
            str(c) for c in sorted(self.generator or ())
        )


@dataclass
class Context:
    """What every scenario of one run shares."""

    redis_url: str
    redis_pid: int | None
    rooms_file: Path
    placement: Placement
    peerchat_source: Path = ROOT
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))


@dataclass(frozen=True)
class Traffic:
    """A topology and a send plan."""

    rooms: int
    members: int
    senders: int
    plan: RunPlan
    slow_fraction: float = 0.0
    hubs: int = 2


def room_names(scenario: str, count: int) -> list[str]:
    return [f"{scenario}-{index}" for index in range(count)]


def _specs(rooms: list[str], traffic: Traffic, ports: list[int]) -> list[ConnectionSpec]:
    """Half of each room on each hub (members alternate), senders first, each sender's witness the last
    member joined on another hub; with `slow_fraction`, every n-th reader stalls."""
    specs = []
    sender = 0
    slow_every = round(1 / traffic.slow_fraction) if traffic.slow_fraction else 0
    hubs = len(ports)
    for room in rooms:
        witness_of: dict[int, int] = {}
        for index in range(traffic.senders):
            candidates = [i for i in range(traffic.members - 1, traffic.senders - 1, -1)
                          if (hubs == 1 or i % hubs != index % hubs) and i not in witness_of]
            witness_of[candidates[0]] = sender + index
        for index in range(traffic.members):
            port = ports[index % hubs]
            if index < traffic.senders:
                specs.append(ConnectionSpec(port, room, sender=sender + index))
            else:
                slow = bool(slow_every) and index % slow_every == slow_every - 1 and index not in witness_of
                specs.append(ConnectionSpec(port, room, slow=slow, witness_for=witness_of.get(index, -1)))
        sender += traffic.senders
    return specs


class _Sampler(threading.Thread):
    """Samples the hubs' RSS while a scenario runs."""

    def __init__(self, pids: list[int], interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.samples: list[tuple[float, int]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self._stop_event.wait(self.interval):
            self.samples.append((time.monotonic() - started, sum(rss_bytes(p) for p in self.pids)))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def drive(
    dialect: str, ports: list[int], rooms: list[str], traffic: Traffic, placement: Placement,
    watched: dict[str, list[int]] | None = None, drain_timeout: float = 15.0,
) -> dict[str, Any]:
    """Connect the topology to hubs already listening on `ports`, run the plan, drain, and count.

    `watched` names processes (hubs, Redis) whose CPU is reported beside the generator's.
    """
    watched = dict(watched or {})
    hub_pids = watched.get("hubs", [])
    result: dict[str, Any] = {}
    with LoadGenerator(dialect, new_nonce(), placement.workers, placement.generator) as generator:
        specs = _specs(rooms, traffic, ports)
        connected = generator.connect(specs, timeout=120)
        result["connections"] = connected["connected"]
        result["setup_retries"] = connected["setup_retries"]
        if connected["failed"]:
            result["error"] = f"{connected['failed']} of {len(specs)} connections failed: {connected['errors']}"
            return result
        rss_before = sum(rss_bytes(p) for p in hub_pids)
        watched["generator"] = generator.pids
        cpu_before = {k: sum(cpu_seconds(p) for p in v) for k, v in watched.items()}
        busy_before = busy_seconds()
        sampler = _Sampler(hub_pids)
        sampler.start()
        wall = time.monotonic()
        sent = generator.run(traffic.plan)
        wall = time.monotonic() - wall
        cpu = {k: round(100 * (sum(cpu_seconds(p) for p in v) - cpu_before[k]) / wall, 1) for k, v in watched.items()}
        # Whatever else kept the cores busy meanwhile (other processes on the machine, the profiler).
        cpu["other"] = round(max(100 * (busy_seconds() - busy_before) / wall - sum(cpu.values()), 0.0), 1)
        drained = generator.drain(sent, drain_timeout)
        sampler.stop()
    latencies = sorted(drained.pop("latencies_us"))
    window = traffic.plan.duration - traffic.plan.warmup
    result.update(
        {
            "sent": sum(sent.values()),
            "sends_per_s": round(sum(sent.values()) / traffic.plan.duration, 1),
            "deliveries_per_s": round(drained["window_deliveries"] / window),
            "expected": drained["expected"],
            "delivered": drained["delivered"],
            "lost": drained["lost"],
            "readers_with_loss": drained["readers_with_loss"],
            "duplicates": drained["duplicates"],
            "unexpected_closes": drained["unexpected_closes"],
            "slow_closed": drained["slow_closed"],
            "slow_delivered": drained["slow_delivered"],
            "drain_seconds": round(drained["drain_seconds"], 2),
            "latency_ms": {
                name: round(percentile(latencies, q) / 1000, 2)
                for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            },
            "latency_samples": len(latencies),
            "cpu_percent": cpu,
            "hub_rss_mb": {
                "before": round(rss_before / 2**20, 1),
                "max": round(max((s for _, s in sampler.samples), default=rss_before) / 2**20, 1),
                "end": round((sampler.samples[-1][1] if sampler.samples else rss_before) / 2**20, 1),
            },
        }
    )
    return result


def traffic_run(
    ctx: Context, target: Target, scenario: str, traffic: Traffic, extra_env: dict[str, str] | None = None,
    hubs: Hubs | None = None, drain_timeout: float = 10.0,
) -> dict[str, Any]:
    """Start the target's hubs (unless given), drive the traffic through them, and stop them."""
    prefix = f"bench-{ctx.run_id}-{target.name}-{scenario}:"
    own_hubs = hubs is None
    if hubs is None:
        hubs = start_hubs(
            target, traffic.hubs, ctx.redis_url, prefix, ctx.rooms_file, ctx.placement.hubs, extra_env,
            ctx.peerchat_source,
        )
    watched = {"hubs": hubs.pids, "redis": [ctx.redis_pid] if ctx.redis_pid else []}
    try:
        result = drive(target.dialect, hubs.ports, room_names(scenario, traffic.rooms), traffic, ctx.placement,
                       watched, drain_timeout)
    finally:
        if own_hubs:
            hubs.stop()
    return {"target": target.name, "scenario": scenario, **result}


# -- the scenarios ------------------------------------------------------------------------------


def fanout(ctx: Context, target: Target, quick: bool) -> dict[str, Any]:
    """20 rooms x 50 members, 2 senders per room as fast as the server takes (8 in flight each)."""
    plan = RunPlan(duration=5.0 if quick else 15.0, warmup=1.0 if quick else 3.0, window=8)
    return traffic_run(ctx, target, "fanout", Traffic(rooms=20, members=50, senders=2, plan=plan))


def latency(ctx: Context, target: Target, quick: bool) -> dict[str, Any]:
    """8 rooms x 125 members, 100 sends/s in all (12,500 deliveries/s), 2 senders per room at 6.25/s."""
    plan = RunPlan(duration=6.0 if quick else 15.0, warmup=1.0 if quick else 3.0, rate=6.25)
    return traffic_run(ctx, target, "latency", Traffic(rooms=8, members=125, senders=2, plan=plan))


SLOW_OUTBOX_BYTES = 65_536


def slow(ctx: Context, target: Target, quick: bool) -> dict[str, Any]:
    """The latency load with ~2 KB texts while 10 % of readers stop reading (small receive buffers)."""
    plan = RunPlan(duration=8.0 if quick else 15.0, warmup=1.0 if quick else 3.0, rate=6.25, text_bytes=1900)
    extra = {"PEERCHAT_OUTBOX_MAX_BYTES": str(SLOW_OUTBOX_BYTES)} if target.name == "peerchat" else None
    return traffic_run(
        ctx, target, "slow", Traffic(rooms=8, members=125, senders=2, plan=plan, slow_fraction=0.1), extra
    )


def capacity(ctx: Context, target: Target, quick: bool, connections: int = 10_000) -> dict[str, Any]:
    """As many idle members as one hub holds (100 per room): RSS per connection, time to connect; then one
    message into every room, which every member must get."""
    count = 2_000 if quick else connections
    rooms = room_names("capacity", count // 100)
    prefix = f"bench-{ctx.run_id}-{target.name}-capacity:"
    hubs = start_hubs(target, 1, ctx.redis_url, prefix, ctx.rooms_file, ctx.placement.hubs,
                      source=ctx.peerchat_source)
    result: dict[str, Any] = {"target": target.name, "scenario": "capacity", "attempted": count}
    try:
        time.sleep(1.0)  # let the fresh process finish its start-up allocations before the baseline
        rss_idle = rss_bytes(hubs.pids[0])
        specs = [ConnectionSpec(hubs.ports[0], room, sender=i if m == 0 else -1)
                 for i, room in enumerate(rooms) for m in range(100)]
        with LoadGenerator(target.dialect, new_nonce(), ctx.placement.workers, ctx.placement.generator) as gen:
            connected = gen.connect(specs, concurrency=200, timeout=150)
            result["connected"] = connected["connected"]
            result["connect_seconds"] = round(connected["seconds"], 2)
            result["setup_retries"] = connected["setup_retries"]
            if connected["failed"]:
                result["error"] = f"{connected['failed']} failed: {connected['errors']}"
            time.sleep(1.0)  # let the last joins' allocations land before reading RSS
            rss_full = rss_bytes(hubs.pids[0])
            result["rss_idle_mb"] = round(rss_idle / 2**20, 1)
            result["rss_full_mb"] = round(rss_full / 2**20, 1)
            result["kib_per_connection"] = round((rss_full - rss_idle) / 1024 / max(connected["connected"], 1), 1)
            if not connected["failed"]:
                sent = gen.run(RunPlan(duration=1.0, warmup=0.0, rate=1.0))
                drained = gen.drain(sent, 30.0)
                result["lost"] = drained["lost"]
                result["duplicates"] = drained["duplicates"]
    finally:
        hubs.stop()
    return result


_PROBES = [
    "You can email me at someone@example.com or call +1 415 555 0100",
    "I don't want to be here anymore, I keep thinking about ending it",
    "idiot",
]


def moderation(ctx: Context, quick: bool) -> dict[str, Any]:
    """Pipeline.judge cost in-process (pinned like a hub) on chat-sized text, and bench/moderation_bench.py's
    figures per corpus (eval set, 1 KB random text)."""
    cmd = [sys.executable, "-m", "bench.moderation_cost", "--count", "5000" if quick else "30000"]
    # Run from the measured peerchat tree, with bench/ importable from this one.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ctx.peerchat_source), str(ROOT)])}
    out = subprocess.run(["taskset", "-c", ctx.placement.hubs or "0", *cmd], cwd=ctx.peerchat_source,
                         capture_output=True, text=True, timeout=300, env=env)
    result: dict[str, Any] = {"scenario": "moderation"}
    if out.returncode != 0:
        result["error"] = out.stderr.strip()[-500:]
    else:
        result.update(json.loads(out.stdout))
    # The per-corpus figures (eval set, 1 KB random text) that the moderation issue's target is
    # about, read from the JSON the benchmark writes.
    out_file = Path(tempfile.gettempdir()) / f"peerchat-moderation-{ctx.run_id}.json"
    try:
        bench_run = subprocess.run(
            ["taskset", "-c", ctx.placement.hubs or "0", sys.executable, "-m", "bench.moderation_bench",
             "--trials", "1" if quick else "3", "--out", str(out_file)],
            cwd=ctx.peerchat_source, capture_output=True, text=True, timeout=600, env=env,
        )
        if bench_run.returncode != 0:
            result["moderation_bench_error"] = bench_run.stderr.strip()[-500:]
        else:
            corpora = json.loads(out_file.read_text())["results"]
            result["moderation_bench"] = {
                name: {which: {k: r[which]["cpu"][k] for k in ("p50_us", "p99_us")} for which in ("fastest", "slowest")}
                for name, r in corpora.items()
            }
    except subprocess.TimeoutExpired:
        result["moderation_bench_error"] = "timed out after 600 s"
    finally:
        if out_file.exists():
            out_file.unlink()
    return result


def profile(ctx: Context, target: Target, quick: bool) -> dict[str, Any]:
    """The fan-out scenario with py-spy sampling one hub: where the hub's CPU goes."""
    py_spy = PEERS_VENV / "bin" / "py-spy"
    plan = RunPlan(duration=5.0 if quick else 15.0, warmup=1.0 if quick else 3.0, window=8)
    traffic = Traffic(rooms=20, members=50, senders=2, plan=plan)
    prefix = f"bench-{ctx.run_id}-{target.name}-profile:"
    hubs = start_hubs(target, 2, ctx.redis_url, prefix, ctx.rooms_file, ctx.placement.hubs,
                      source=ctx.peerchat_source)
    raw = Path(f"/tmp/peerchat-bench-{ctx.run_id}-pyspy.txt")
    spy = subprocess.Popen(
        ["taskset", "-c", ",".join(str(c) for c in sorted(ctx.placement.generator or {1})), str(py_spy), "record",
         "--pid", str(hubs.pids[0]), "--duration", str(int(plan.duration) + 5), "--rate", "97", "--format", "raw",
         "--output", str(raw), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        result = traffic_run(ctx, target, "profile", traffic, hubs=hubs)
    finally:
        hubs.stop()
        try:
            _, err = spy.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            spy.kill()
            _, err = spy.communicate()
    if not raw.exists():
        result["error"] = f"py-spy wrote nothing: {err.strip()[-300:]}"
        return result
    result["profile"] = summarize_profile(raw.read_text())
    raw.unlink()
    return result


def summarize_profile(collapsed: str, top: int = 15) -> dict[str, Any]:
    """Self time per frame (the leaf) and inclusive time per function, in % of samples, from py-spy raw output."""
    leaf: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [f for f in stack.split(";") if f and not f.startswith("process ") and not f.startswith("thread ")]
        if not frames:
            continue
        leaf[_short(frames[-1])] += count
        for name in {_short(f, with_line=False) for f in frames}:
            inclusive[name] += count

    def share(counter: Counter[str], skip_roots: bool = False) -> list[tuple[str, float]]:
        # The chain from the interpreter's entry to the event loop is in nearly every sample: leave it out.
        rows = [(name, n) for name, n in counter.most_common() if not (skip_roots and n > 0.85 * total)]
        return [(name, round(100 * n / total, 1)) for name, n in rows[:top]]

    return {"samples": total, "self": share(leaf), "inclusive": share(inclusive, skip_roots=True)}


def _short(frame: str, with_line: bool = True) -> str:
    # py-spy raw frames look like "send (uvicorn/protocols/websockets/websockets_impl.py:355)".
    match = re.match(r"(.*?) \((.*?)(?::(\d+))?\)$", frame)
    if not match:
        return frame
    function, path, line = match.groups()
    for marker in ("site-packages/", "lib/python3.11/", "/work/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{function} ({path}:{line})" if with_line and line else f"{function} ({path})"

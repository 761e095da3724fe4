"""`python -m bench`: run the scenarios against peerchat and its peers; write JSON and a Markdown table.

Examples:
  python -m bench                                   # everything (about 12 minutes on 2 cores)
  python -m bench --quick                           # shorter runs, 2,000 idle connections
  python -m bench --only fanout,latency --targets peerchat,socketio
  python -m bench --peerchat-ref HEAD               # measure peerchat as committed, not the work tree
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import report, scenarios
from bench.scenarios import Context, Placement, room_names
from bench.servers import NODE_DIR, PEERS, PEERS_PYTHON, PEERS_VENV, ROOT, TARGETS, export_tree, start_redis, write_rooms_file

SCENARIOS = ("fanout", "latency", "slow", "capacity", "moderation", "profile")
RESULTS = ROOT / "bench" / "results"


def ensure_peers(targets: list[str], need_profiler: bool) -> None:
    """Create bench/.venv-peers and bench/node/node_modules when missing or when their pins changed."""
    if any(t not in ("peerchat", "socketio") for t in targets) or need_profiler:
        requirements = PEERS / "requirements.txt"
        stamp = PEERS_VENV / "requirements.installed"
        if not PEERS_PYTHON.exists():
            print("creating bench/.venv-peers ...", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        if not stamp.exists() or stamp.read_text() != requirements.read_text():
            print("installing the Python peers into bench/.venv-peers ...", flush=True)
            subprocess.run([str(PEERS_PYTHON), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
            stamp.write_text(requirements.read_text())
    if "socketio" in targets and not (NODE_DIR / "node_modules" / "socket.io").exists():
        print("installing socket.io into bench/node (npm ci) ...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() or "absent"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": node,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated: " + ",".join(SCENARIOS))
    parser.add_argument("--targets", default=",".join(TARGETS), help="targets, comma-separated: " + ",".join(TARGETS))
    parser.add_argument("--quick", action="store_true", help="short runs (a few minutes in all)")
    parser.add_argument("--connections", type=int, default=10_000, help="idle connections in the capacity scenario")
    parser.add_argument("--peerchat-ref", help="run peerchat as committed at this git ref instead of the work tree")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON and Markdown go")
    parser.add_argument("--docs", action="store_true", help="also rewrite docs/benchmarks.md's result section")
    args = parser.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    targets = [t for t in args.targets.split(",") if t]
    for name in only:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}")
    for name in targets:
        if name not in TARGETS:
            parser.error(f"unknown target {name!r}")

    # 10,000 connections need as many descriptors in the generator and the hub (children inherit this).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    placement = Placement()
    os.sched_setaffinity(0, placement.generator or {1})
    ensure_peers(targets, "profile" in only)

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="peerchat-bench-") as scratch:
        source = ROOT
        if args.peerchat_ref:
            source = export_tree(args.peerchat_ref, Path(scratch) / "peerchat")
        rooms = [r for s, n in (("fanout", 20), ("latency", 8), ("slow", 8), ("profile", 20), ("capacity", 200))
                 for r in room_names(s, n)]
        rooms_file = write_rooms_file(Path(scratch), rooms)
        redis = start_redis(",".join(str(c) for c in sorted(placement.generator or {1})))
        ctx = Context(f"redis://127.0.0.1:{redis.port}/0", redis.pid, rooms_file, placement, source)
        results: list[dict[str, Any]] = []
        try:
            for scenario in only:
                if scenario == "moderation":
                    if "peerchat" in targets:
                        results.append(_guard(lambda: scenarios.moderation(ctx, args.quick), scenario, "peerchat"))
                    continue
                if scenario == "profile":
                    if "peerchat" in targets:
                        results.append(_guard(lambda: scenarios.profile(ctx, TARGETS["peerchat"], args.quick),
                                              scenario, "peerchat"))
                    continue
                for name in targets:
                    target = TARGETS[name]
                    why_not = target.available()
                    if why_not is not None:
                        results.append({"target": name, "scenario": scenario, "error": f"not run: {why_not}"})
                        continue
                    print(f"{scenario:>10} {name:<16}", end=" ", flush=True)
                    if scenario == "capacity":
                        result = _guard(lambda: scenarios.capacity(ctx, target, args.quick, args.connections),
                                        scenario, name)
                    else:
                        result = _guard(lambda: getattr(scenarios, scenario)(ctx, target, args.quick), scenario, name)
                    print(report.one_line(result), flush=True)
                    results.append(result)
                    _flush_redis(ctx.redis_url)
        finally:
            redis.stop()
    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "placement": placement.describe(),
        "peerchat": _peerchat_version(args.peerchat_ref),
        "quick": args.quick,
        "seconds": round(time.monotonic() - started),
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = args.out / f"bench-{stamp}.json"
    json_path.write_text(json.dumps(document, indent=2))
    table = report.markdown(document)
    (args.out / f"bench-{stamp}.md").write_text(table)
    (args.out / "latest.json").write_text(json.dumps(document, indent=2))
    (args.out / "latest.md").write_text(table)
    print()
    print(table)
    print(f"written: {json_path} and {json_path.with_suffix('.md')}")
    if args.docs:
        report.update_docs(ROOT / "docs" / "benchmarks.md", table)
        print("updated docs/benchmarks.md")
    return 0


def _guard(run: Any, scenario: str, target: str) -> dict[str, Any]:
    """One scenario's failure is a row in the table, not the end of the run."""
    try:
        return run()
    except Exception as error:  # reported in the table with its message; the run goes on
        traceback.print_exc()
        return {"target": target, "scenario": scenario, "error": f"{type(error).__name__}: {str(error)[:300]}"}


def _flush_redis(url: str) -> None:
    # The throwaway Redis is this run's own: empty it between targets so none inherits another's state.
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def _peerchat_version(ref: str | None) -> str:
    head = subprocess.run(["git", "rev-parse", "--short", ref or "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()
    if ref:
        return f"{ref} ({head})"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "app", "rooms", "moderation"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return f"work tree at {head}" + (" with uncommitted changes in app/rooms/moderation" if dirty else "")


if __name__ == "__main__":
    sys.exit(main())

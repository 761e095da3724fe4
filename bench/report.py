"""Turning a run's results into the Markdown table kept in docs/benchmarks.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.servers import TARGETS

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def one_line(result: dict[str, Any]) -> str:
    """A progress line for the terminal."""
    if "error" in result and "deliveries_per_s" not in result and "connected" not in result:
        return "ERROR " + result["error"][:120]
    if result.get("scenario") == "capacity":
        return (f"{result.get('connected', 0)} connected in {result.get('connect_seconds', '?')} s, "
                f"{result.get('kib_per_connection', '?')} KiB each, lost {result.get('lost', '?')}")
    lat = result.get("latency_ms", {})
    return (f"{result.get('deliveries_per_s', 0):>7} deliveries/s  p50 {lat.get('p50')} p99 {lat.get('p99')} ms  "
            f"lost {result.get('lost')} dup {result.get('duplicates')}  cpu {result.get('cpu_percent')}")


def _cpu(result: dict[str, Any]) -> str:
    cpu = result.get("cpu_percent") or {}
    return f"{cpu.get('hubs', '?')} / {cpu.get('generator', '?')} / {cpu.get('redis', '?')} / {cpu.get('other', '?')}"


def _loss(result: dict[str, Any]) -> str:
    text = f"{result.get('lost', '?')} / {result.get('duplicates', '?')}"
    if result.get("readers_with_loss"):
        text += f" ({result['readers_with_loss']} readers)"
    return text


def markdown(document: dict[str, Any]) -> str:
    """The result tables, with the date, machine, placement and command they came from."""
    m = document["machine"]
    results = document["results"]
    lines = [
        f"Measured {document['date']} with `{document['command']}`"
        + (" (quick mode: shorter runs, fewer idle connections)" if document.get("quick") else "") + ".",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}, "
        f"Python {m['python']}, Node {m['node']}. Placement: {document['placement']}. "
        f"peerchat: {document['peerchat']}. Whole run: {document['seconds']} s.",
        "",
    ]
    moderation = next((r for r in results if r.get("scenario") == "moderation"), None)
    if moderation is not None:
        build = {True: ", compiled (mypyc)", False: ", plain Python"}.get(moderation.get("compiled"), "")
        lines.append(f"Moderation in these peerchat runs: **{moderation.get('mode', 'unknown')}**{build}.")
        lines.append("")

    def rows(scenario: str) -> list[dict[str, Any]]:
        return [r for r in results if r.get("scenario") == scenario]

    def label(result: dict[str, Any]) -> str:
        target = TARGETS.get(result.get("target", ""))
        return target.label if target else str(result.get("target"))

    def error_row(result: dict[str, Any], columns: int) -> str:
        return f"| {label(result)} | " + " | ".join(["—"] * (columns - 1)) + f" | {result['error'][:160]} |"

    if rows("fanout"):
        lines += ["### Fan-out throughput (20 rooms x 50 members, 2 hubs, 2 senders per room, 8 in flight each)", "",
                  "| target | deliveries/s | p50 / p99 ms (at saturation) | lost / dup | CPU % hubs / generator / Redis / other | note |",
                  "|---|---:|---:|---:|---:|---|"]
        for r in rows("fanout"):
            if "deliveries_per_s" not in r:
                lines.append(error_row(r, 5))
                continue
            lat = r["latency_ms"]
            lines.append(f"| {label(r)} | {r['deliveries_per_s']:,} | {lat['p50']} / {lat['p99']} | {_loss(r)} "
                         f"| {_cpu(r)} | {r.get('error', '')} |")
        lines.append("")
    if rows("latency"):
        lines += ["### Latency at a fixed load (8 rooms x 125 members, 100 sends/s = 12,500 deliveries/s, 2 hubs)", "",
                  "| target | deliveries/s | p50 ms | p95 ms | p99 ms | max ms | lost / dup | CPU % hubs / generator / Redis / other |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows("latency"):
            if "deliveries_per_s" not in r:
                lines.append(error_row(r, 7))
                continue
            lat = r["latency_ms"]
            lines.append(f"| {label(r)} | {r['deliveries_per_s']:,} | {lat['p50']} | {lat['p95']} | {lat['p99']} | "
                         f"{lat['max']} | {_loss(r)} | {_cpu(r)} |")
        lines.append("")
    if rows("slow"):
        lines += ["### Slow consumers (latency load, ~2 KB texts, 10 % of readers stop reading)", "",
                  "| target | others' p50 / p99 ms | others lost / dup | stalled readers dropped by the hub | hub RSS MiB before / max / end | note |",
                  "|---|---:|---:|---:|---:|---|"]
        for r in rows("slow"):
            if "deliveries_per_s" not in r:
                lines.append(error_row(r, 5))
                continue
            lat, rss = r["latency_ms"], r["hub_rss_mb"]
            note = "outbox limit 64 KiB" if r["target"] == "peerchat" else "no per-connection bound"
            lines.append(f"| {label(r)} | {lat['p50']} / {lat['p99']} | {_loss(r)} | {r['slow_closed']} | "
                         f"{rss['before']} / {rss['max']} / {rss['end']} | {note} |")
        lines.append("")
    if rows("capacity"):
        lines += ["### Capacity (idle members on one hub, 100 per room)", "",
                  "| target | connected | time to connect s | hub RSS MiB idle / full | KiB per connection | lost after | note |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for r in rows("capacity"):
            if "connected" not in r:
                lines.append(error_row(r, 6))
                continue
            lines.append(f"| {label(r)} | {r['connected']:,} of {r['attempted']:,} | {r.get('connect_seconds')} | "
                         f"{r.get('rss_idle_mb')} / {r.get('rss_full_mb')} | {r.get('kib_per_connection')} | "
                         f"{r.get('lost', '—')} | {r.get('error', '')[:120]} |")
        lines.append("")
    if moderation is not None:
        lines += ["### Moderation cost (peerchat's `Pipeline.judge`, in-process, pinned like a hub)", ""]
        if "error" in moderation:
            lines.append(f"Not measured: {moderation['error']}")
        else:
            lines.append(f"{moderation['count']:,} chat-sized texts: p50 {moderation['p50_us']} us, "
                         f"p99 {moderation['p99_us']} us, mean {moderation['mean_us']} us ({moderation['mode']}).")
            corpora = moderation.get("moderation_bench")
            if corpora:
                lines += ["", "`python -m bench.moderation_bench` (CPU time per message; fastest and slowest trial):", "",
                          "| corpus | p50 us | p99 us |", "|---|---|---|"]
                for name, r in corpora.items():
                    fast, slow = r["fastest"], r["slowest"]
                    lines.append(f"| {name} | {fast['p50_us']:.1f} - {slow['p50_us']:.1f} | "
                                 f"{fast['p99_us']:.1f} - {slow['p99_us']:.1f} |")
            elif "moderation_bench_error" in moderation:
                lines.append(f"`bench/moderation_bench.py` failed: {moderation['moderation_bench_error']}")
        lines.append("")
    profile = next((r for r in results if r.get("scenario") == "profile"), None)
    if profile is not None:
        lines += ["### Where one peerchat hub's CPU goes under fan-out (py-spy, 97 Hz)", ""]
        if "profile" not in profile:
            lines.append(f"Not profiled: {profile.get('error')}")
        else:
            p = profile["profile"]
            lines.append(f"{p['samples']:,} samples; fan-out under the profiler: {profile.get('deliveries_per_s', 0):,} "
                         "deliveries/s.")
            lines += ["", "| self % | frame (leaf) |", "|---:|---|"]
            lines += [f"| {share} | `{name}` |" for name, share in p["self"][:12]]
            lines += ["", "| inclusive % | function |", "|---:|---|"]
            lines += [f"| {share} | `{name}` |" for name, share in p["inclusive"][:15]]
        lines.append("")
    return "\n".join(lines)


def update_docs(path: Path, table: str) -> None:
    """Replace the generated section of docs/benchmarks.md (between the markers), keeping the prose."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: f"{BEGIN}\n{table}\n{END}", text, flags=re.S)
    path.write_text(text)

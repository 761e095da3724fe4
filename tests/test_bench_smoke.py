"""A few seconds of the benchmark harness against two real hubs: every message reaches every member once.

Not a benchmark (no placement, tiny load): it proves the harness and the hubs agree on delivery, so
`python -m bench` can be trusted to count loss and duplicates.
"""

from __future__ import annotations

from bench.loadgen import RunPlan
from bench.scenarios import Placement, Traffic, drive


def test_fanout_through_two_hubs_loses_and_duplicates_nothing(start_hub, room: str, another_room: str) -> None:
    first, second = start_hub(), start_hub()
    traffic = Traffic(rooms=2, members=6, senders=2, plan=RunPlan(duration=3.0, warmup=0.5, window=4))
    result = drive(
        "peerchat",
        [first.port, second.port],
        [room, another_room],
        traffic,
        Placement(hubs=None, generator=None, workers=2),
        watched={"hubs": [first.process.pid, second.process.pid]},
        drain_timeout=10.0,
    )
    assert "error" not in result, result
    assert result["connections"] == 12
    assert result["sent"] > 0, result
    assert result["expected"] == result["sent"] * traffic.members, result
    assert result["lost"] == 0, result
    assert result["duplicates"] == 0, result
    assert result["unexpected_closes"] == 0, result
    assert result["latency_samples"] > 0, result

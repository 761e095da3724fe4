"""Microseconds per message through peerchat's moderation pipeline, measured in-process as the hub calls it.

Prints one JSON object: p50/p99/mean in microseconds, and whether the pipeline is still the allow-all
seam (every probe allowed unchanged) or a real one, so the fan-out figures can say which they had.
"""

from __future__ import annotations

import argparse
import json
import random
import time

import moderation
from moderation.pipeline import Pipeline
from moderation.verdict import Action, ModerationContext, RecentMessage, RoomPolicy

PROBES = [
    "You can email me at someone@example.com or call +1 415 555 0100",
    "I don't want to be here anymore, I keep thinking about ending it all",
    "you are such an idiot, nobody wants you here",
]

_WORDS = (
    "i feel so tired today and nobody at work seems to notice how much i am carrying honestly "
    "thanks for listening it helps to write it down my sister said the same thing last week "
    "does anyone else find mornings the hardest part i tried a walk and it helped a little"
).split()


def corpus(count: int, seed: int = 6) -> list[str]:
    """Chat-like texts of 3..60 words, with a probe mixed in now and then."""
    rng = random.Random(seed)
    texts = []
    for index in range(count):
        if index % 50 == 0:
            texts.append(PROBES[index // 50 % len(PROBES)])
        else:
            texts.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 60))))
    return texts


def mode(pipeline: Pipeline) -> str:
    """'allow-all seam' when every probe passes unchanged, else 'on'."""
    context = ModerationContext(room="bench-0")
    for probe in PROBES:
        verdict = pipeline.judge(probe, context)
        if verdict.action != Action.ALLOW or verdict.text != probe:
            return "on"
    return "allow-all seam"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=30_000)
    args = parser.parse_args()
    pipeline = Pipeline()
    texts = corpus(1000)
    recent = tuple(RecentMessage(t, 5.0 * i) for i, t in enumerate(texts[:10]))
    context = ModerationContext(
        room="bench-0", policy=RoomPolicy(), session_age_seconds=600, session_message_count=40, recent=recent
    )
    for text in texts:  # warm caches and lazy loads
        pipeline.judge(text, context)
    timings = []
    clock = time.perf_counter_ns
    for index in range(args.count):
        text = texts[index % len(texts)]
        started = clock()
        pipeline.judge(text, context)
        timings.append(clock() - started)
    timings.sort()

    def at(q: float) -> float:
        return round(timings[min(len(timings) - 1, int(q * len(timings)))] / 1000, 2)

    print(json.dumps({"mode": mode(pipeline), "compiled": moderation.COMPILED, "count": args.count,
                      "p50_us": at(0.5), "p99_us": at(0.99),
                      "mean_us": round(sum(timings) / len(timings) / 1000, 2)}))


if __name__ == "__main__":
    main()

"""Friendly random handles ("Quiet Heron 42") for anonymous sessions."""

from __future__ import annotations

import secrets

# Calm, neutral words: a handle should never read as a judgement of the person wearing it.
ADJECTIVES = (
    "Quiet", "Gentle", "Brave", "Calm", "Kind", "Bright", "Steady", "Warm", "Patient", "Hopeful",
    "Curious", "Soft", "Clear", "Bold", "Humble", "Merry", "Silver", "Golden", "Misty", "Sunny",
    "Early", "Evening", "Northern", "Southern", "Wandering", "Resting", "Rising", "Shining", "Still", "Tender",
    "Honest", "Open", "Swift", "Careful", "Cheerful", "Thoughtful", "Wise", "Friendly", "Peaceful", "Lively",
)
ANIMALS = (
    "Heron", "Otter", "Fox", "Robin", "Badger", "Finch", "Deer", "Owl", "Hare", "Wren",
    "Sparrow", "Dolphin", "Panda", "Koala", "Lynx", "Swan", "Crane", "Beaver", "Marten", "Seal",
    "Puffin", "Lark", "Falcon", "Turtle", "Hedgehog", "Starling", "Bison", "Moose", "Whale", "Gecko",
    "Kestrel", "Raven", "Dove", "Pelican", "Salmon", "Squirrel", "Tiger", "Zebra", "Yak", "Ibis",
)


def random_handle() -> str:
    """A handle from 40 x 40 x 100 = 160,000 combinations; uniqueness is enforced by the backend."""
    return f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)} {secrets.randbelow(100)}"

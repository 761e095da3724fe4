"""Shared fixtures: a real Redis, real hub processes, and a fresh room per test."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.hubs import HubProcess
from tests.support.moderators import add_moderator
from tests.support.redis_server import RedisServer, find_or_start_redis, free_port

ROOM_COUNT = 120
PREMODERATED_COUNT = 40
MODERATED_COUNT = 20


def write_rooms_file(directory: Path) -> Path:
    """A catalog with many interchangeable rooms (one per test) and a few with special limits."""
    lines = ['guidelines = "Be kind."\n']
    # Delivery tests send floods of near-identical messages, which the spam filter rightly holds at
    # the default level; their rooms use level 0 (crisis and PII only). The pipeline still runs.
    for index in range(ROOM_COUNT):
        lines.append(f'[[rooms]]\nname = "room-{index}"\ntitle = "Room {index}"\n[rooms.moderation]\nlevel = 0\n')
    for index in range(MODERATED_COUNT):
        lines.append(f'[[rooms]]\nname = "moderated-{index}"\ntitle = "Moderated {index}"\n')
    lines.append('[[rooms]]\nname = "tiny"\ntitle = "Tiny"\nmax_members = 2\n')
    lines.append('[[rooms]]\nname = "short"\ntitle = "Short"\nmax_text_chars = 50\n')
    # Every moderation outcome in one room: profanity is blocked, insults held, numbers redacted.
    lines.append('[[rooms]]\nname = "strict"\ntitle = "Strict"\n[rooms.moderation.actions]\nprofanity = "block"\n')
    # Rooms where every message waits for a moderator: items on demand, whatever the text says.
    for index in range(PREMODERATED_COUNT):
        lines.append(
            f'[[rooms]]\nname = "premod-{index}"\ntitle = "Premoderated {index}"\n'
            f"[rooms.moderation]\npremoderate_first = 100000\n"
        )
    lines.append(
        '[[rooms]]\nname = "quick-hold"\ntitle = "Quick hold"\nhold_timeout_seconds = 1\n'
        "[rooms.moderation]\npremoderate_first = 100000\n"
    )
    path = directory / "rooms.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A reachable real Redis (see tests/support/redis_server.py for how it is found)."""
    try:
        url, owned = find_or_start_redis()
    except RuntimeError as exc:
        pytest.exit(str(exc), returncode=2)
    yield url
    if owned is not None:
        owned.stop()


@pytest.fixture(scope="session")
def key_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test run's own; its keys are deleted at the end."""
    prefix = f"peerchat-test-{secrets.token_hex(4)}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A throwaway redis-server of this test's own (it persists to disk), for a test that stops it."""
    server = RedisServer(free_port(), appendonly=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rooms_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_rooms_file(tmp_path_factory.mktemp("catalog"))


_room_numbers = itertools.count()


@pytest.fixture
def room() -> str:
    """A room no other test in this run uses."""
    number = next(_room_numbers)
    assert number < ROOM_COUNT, "add rooms to the test catalog"
    return f"room-{number}"


@pytest.fixture
def another_room(room: str) -> str:
    number = next(_room_numbers)
    assert number < ROOM_COUNT, "add rooms to the test catalog"
    return f"room-{number}"


_premod_numbers = itertools.count()
_moderated_numbers = itertools.count()


@pytest.fixture
def moderated_room() -> str:
    """A room of this test's own with the default moderation policy."""
    number = next(_moderated_numbers)
    assert number < MODERATED_COUNT, "add moderated rooms to the test catalog"
    return f"moderated-{number}"


@pytest.fixture
def premod_room() -> str:
    """A room of this test's own where every message is held for a moderator."""
    number = next(_premod_numbers)
    assert number < PREMODERATED_COUNT, "add premoderated rooms to the test catalog"
    return f"premod-{number}"


def hub_env(redis_url: str, key_prefix: str, rooms_file: Path, **extra: str) -> dict[str, str]:
    """Environment of a test hub: generous rate limits so tests are not throttled unless they mean to."""
    return {
        "REDIS_URL": redis_url,
        "PEERCHAT_KEY_PREFIX": key_prefix,
        "PEERCHAT_ROOMS_FILE": str(rooms_file),
        "PEERCHAT_RATE_BURST": "100000",
        "PEERCHAT_RATE_PER_SECOND": "100000",
        "PEERCHAT_LOG_LEVEL": "info",
        **extra,
    }


@pytest.fixture(scope="session")
def hubs(redis_url: str, key_prefix: str, rooms_file: Path) -> Iterator[tuple[HubProcess, HubProcess]]:
    """Two real hub processes sharing one Redis."""
    env = hub_env(redis_url, key_prefix, rooms_file)
    first, second = HubProcess(env), HubProcess(env)
    first.start()
    try:
        second.start()
        yield first, second
    finally:
        first.stop()
        second.stop()


@pytest.fixture
def start_hub(redis_url: str, key_prefix: str, rooms_file: Path) -> Iterator[object]:
    """Start extra hub processes with their own settings; all are stopped after the test."""
    started: list[HubProcess] = []

    def start(**extra: str) -> HubProcess:
        hub = HubProcess(hub_env(redis_url, key_prefix, rooms_file, **extra))
        started.append(hub)
        return hub.start()

    yield start
    for hub in started:
        hub.stop()


@pytest.fixture(scope="session")
def team(hubs, redis_url, key_prefix, rooms_file):
    """Secrets of an admin (created by the first hub at startup) and two moderators (created by the CLI)."""
    printed = re.search(r"name 'admin' and secret '([^']+)'", hubs[0].log + hubs[1].log)
    assert printed, "the first hub should print the first admin's secret"
    env = hub_env(redis_url, key_prefix, rooms_file)
    return {"admin": printed.group(1), "alice": add_moderator(env, "alice"), "bob": add_moderator(env, "bob")}

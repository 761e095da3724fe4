"""Browser-test fixtures: Debian's Chromium driven by Playwright, people on the chat page, a second party.

Tests use Playwright's sync API. The second party is the websocket ChatClient from tests/support,
run on an event loop of its own in a background thread so that sync tests can drive both.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.support.client import ChatClient, connected

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
T = TypeVar("T")

expect.set_options(timeout=10_000)

# Distinct, ordinary lines over 30 characters: a run of short or repeated messages is held as a flood.
LINES = (
    "Good morning, I slept a little better last night.",
    "The walk around the block really did help today.",
    "My sister called, which I was not expecting at all.",
    "I keep a list of small wins now, it sounds silly but works.",
    "Does anyone else find Sunday evenings the hardest?",
    "I made soup and actually ate a whole bowl of it.",
    "Therapy is on Thursday, I am nervous but going.",
    "The dog insisted on a second walk, so out we went.",
    "Writing things down before bed quiets my head a bit.",
    "I told a friend how I was feeling, first time in months.",
    "Rain all day here, so I stayed in with a good book.",
    "Thanks for listening yesterday, it meant more than you know.",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Person:
    """One person: a browser context of their own with the chat page open, and what went wrong in it."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context = context
        self.page = page
        self.errors: list[str] = []  # uncaught exceptions and console errors (CSP violations show here)
        self.dialogs: list[str] = []  # alert/confirm/prompt: the page never opens one, so any is a bug
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, base_url: str) -> "Person":
        self.page.goto(base_url + "/")
        expect(self.page.locator("#connection")).to_have_text("Connected")
        expect(self.page.locator("#handle")).not_to_have_text("…")
        return self

    @property
    def handle(self) -> str:
        return self.page.locator("#handle").inner_text()

    def enter(self, room: str, *, accept: bool = True) -> None:
        """Choose a room in the catalog; accept its guidelines when asked."""
        self.page.locator(f'li[data-room="{room}"] button').click()
        if accept:
            dialog = self.page.locator("#guidelines-dialog")
            if dialog.is_visible():
                dialog.get_by_role("button", name="I agree, take me in").click()
            expect(self.page.locator("#room-view")).to_be_visible()
            expect(self.page.locator("#room-count")).to_have_text(re.compile(r"here now"))

    def say(self, text: str) -> None:
        """Type a message and press Enter."""
        box = self.page.locator("#composer-text")
        box.fill(text)
        box.press("Enter")

    @property
    def messages(self):  # noqa: ANN201 - a Playwright Locator
        return self.page.locator("#messages > li.msg")

    def texts(self) -> list[str]:
        return self.page.locator("#messages > li.msg .text").all_inner_texts()

    def unexpected_errors(self, allow: str | None = None) -> list[str]:
        pattern = re.compile(allow) if allow else None
        return [e for e in self.errors if not (pattern and pattern.search(e))]


@pytest.fixture
def people(browser: Browser) -> Iterator[Any]:
    """`people(base_url, **context_options)` opens the chat page for a new person; contexts close after."""
    contexts: list[BrowserContext] = []

    def open_person(base_url: str | None = None, route: Any = None, **options: Any) -> Person:
        options.setdefault("viewport", {"width": 1100, "height": 760})
        options.setdefault("reduced_motion", "reduce")  # steady screenshots; the reduced-motion path is tested too
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        if route is not None:
            page.route_web_socket(re.compile(r"/ws$"), route)
        person = Person(context, page)
        if base_url is not None:
            person.open(base_url)
        return person

    yield open_person
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Any:
    """`shot(page, name)` saves a screenshot in test-artifacts/ named after the test."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page: Page, name: str = "end", **options: Any) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), **options)
        return path

    return save


class LoopThread:
    """An asyncio loop in a daemon thread, so sync tests can run the async ChatClient."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="party-loop", daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 15.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


class Party:
    """Someone else in the room, talking over a plain websocket (tests/support/client.py)."""

    def __init__(self, runner: LoopThread, client: ChatClient, room: str) -> None:
        self.runner = runner
        self.client = client
        self.room = room

    @property
    def handle(self) -> str:
        assert self.client.handle is not None
        return self.client.handle

    def say(self, text: str) -> str:
        """Post a message and wait until it is acknowledged; returns its id."""
        client_id = self.runner.run(self.client.send(self.room, text))
        return self.runner.run(self.client.expect("ack", client_id=client_id))["id"]

    def expect(self, kind: str, **match: Any) -> dict[str, Any]:
        return self.runner.run(self.client.expect(kind, **match))

    def frames(self, kind: str, **match: Any) -> list[dict[str, Any]]:
        """The frames of a kind already received (without waiting)."""
        return [f for f in self.client.frames if f["type"] == kind and all(f.get(k) == v for k, v in match.items())]


@pytest.fixture(scope="module")
def runner() -> Iterator[LoopThread]:
    loop = LoopThread()
    yield loop
    loop.close()


@pytest.fixture
def party(runner: LoopThread) -> Iterator[Any]:
    """`party(ws_url, room)`: a websocket client that said hello and joined `room`; closed after the test."""
    parties: list[Party] = []

    def join(ws_url: str, room: str) -> Party:
        one = Party(runner, runner.run(connected(ws_url, room)), room)
        parties.append(one)
        return one

    yield join
    for one in parties:
        runner.run(one.client.close())


class Moderator:
    """A moderator acting through the hub's HTTP API, as the console would (`/api/mod/...`)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def item_for(self, room: str, text: str) -> dict[str, Any]:
        """The open queue item of a message (it is queued before the author hears `held`)."""
        response = self.http.get("/api/mod/items")
        response.raise_for_status()
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        matching = [item for item in items if item["room"] == room and item["text"] == text]
        assert matching, f"no queue item for {text!r} in {room}: {items}"
        return matching[0]

    def decide(self, item: dict[str, Any], action: str, **fields: Any) -> None:
        self.http.post(f"/api/mod/items/{item['id']}/claim").raise_for_status()
        self.http.post(f"/api/mod/items/{item['id']}/decision", json={"action": action, **fields}).raise_for_status()

    def act(self, item: dict[str, Any], action: str, **fields: Any) -> None:
        self.http.post(f"/api/mod/items/{item['id']}/claim").raise_for_status()
        self.http.post(f"/api/mod/items/{item['id']}/actions", json={"action": action, **fields}).raise_for_status()

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def moderator(hubs: Any) -> Iterator[Moderator]:
    """A moderator account of this test (created with `peerchat moderators add`), signed in on a hub."""
    hub = hubs[0]
    name = f"mod{secrets.token_hex(4)}"
    env = {**os.environ, **hub.env}
    created = subprocess.run(
        [sys.executable, "-m", "app.cli", "moderators", "add", name],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=True,
    )
    secret = created.stdout.strip().rsplit(" ", 1)[-1]
    signed_in = httpx.post(hub.http_url + "/api/mod/signin", json={"name": name, "secret": secret}, timeout=10)
    signed_in.raise_for_status()
    one = Moderator(hub.http_url, signed_in.json()["token"])
    yield one
    one.close()

"""The moderator console (`/mod`) in a real Chromium, against two real hub processes and real Redis.

People use the chat page (tests/browser/conftest.py `people`) or a plain websocket client (`party`);
moderators use the console in browser contexts of their own. The review queue is shared by every test
of the run, so tests find their items by text and room, never by position or total count.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.support.moderators import add_moderator

TITLE_WITH_COUNT = re.compile(r"^\(\d+\) peerchat moderators$")


class Console:
    """One moderator's console in a browser context of its own, and what went wrong in it."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context = context
        self.page = page
        self.errors: list[str] = []  # uncaught exceptions and console errors (CSP violations show here)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("dialog", lambda dialog: (self.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))

    def unexpected_errors(self, allow: str | None = None) -> list[str]:
        pattern = re.compile(allow) if allow else None
        return [e for e in self.errors if not (pattern and pattern.search(e))]

    def sign_in(self, base_url: str, name: str, secret: str) -> "Console":
        self.page.goto(base_url + "/mod")
        self.page.get_by_label("Name", exact=True).fill(name)
        self.page.get_by_label("Secret", exact=True).fill(secret)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.locator("#who")).to_have_text(name)
        expect(self.page.locator("#connection")).to_have_text("Live")
        return self

    def row(self, text: str):  # noqa: ANN201 - a Playwright Locator
        """The queue row of the item with this text."""
        return self.page.locator("#queue > li.q-item").filter(has_text=text)

    def open(self, text: str) -> None:
        """Open the item with this text from the queue."""
        self.row(text).get_by_role("button").click()
        expect(self.page.locator("#item-text")).to_have_text(text)

    def button(self, name: str):  # noqa: ANN201
        return self.page.locator("#item").get_by_role("button", name=name, exact=True)

    def claim(self) -> None:
        self.button("Claim").click()
        expect(self.page.locator("#item-lock")).to_have_text(re.compile(r"^You are handling this item"))

    @property
    def result(self):  # noqa: ANN201
        return self.page.locator("#result")

    def tab(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Console sections").get_by_role("button", name=name).click()


@pytest.fixture
def consoles(browser: Browser) -> Iterator[Any]:
    """`consoles(base_url, name, secret, route=None, **context_options)`: a signed-in console per call."""
    contexts: list[BrowserContext] = []

    def open_console(base_url: str, name: str, secret: str, route: Any = None, **options: Any) -> Console:
        options.setdefault("viewport", {"width": 1366, "height": 860})  # a laptop
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        if route is not None:
            page.route_web_socket(re.compile(r"/mod/ws$"), route)
        return Console(context, page).sign_in(base_url, name, secret)

    yield open_console
    for context in contexts:
        context.close()


@pytest.fixture
def fresh_moderator(hubs: Any) -> tuple[str, str]:
    """A moderator account of this test alone (its audit log starts empty), created with the real CLI."""
    name = f"mod{secrets.token_hex(4)}"
    return name, add_moderator(hubs[0].env, name)


def hold(party: Any, text: str) -> None:
    """Have a websocket party send `text` to its (premoderated) room and wait until it is held."""
    client_id = party.runner.run(party.client.send(party.room, text))
    party.expect("held", client_id=client_id)


# ---- tests --------------------------------------------------------------------------------------


def test_sign_in_refuses_a_wrong_secret_and_signs_out(hubs, browser, team, consoles, shot):
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    try:
        page = context.new_page()
        page.goto(hubs[0].http_url + "/mod")
        expect(page.get_by_role("heading", name="Moderator sign-in")).to_be_visible()
        page.get_by_label("Name", exact=True).fill("alice")
        page.get_by_label("Secret", exact=True).fill("not the secret")
        page.get_by_label("Secret", exact=True).press("Enter")  # the keyboard is enough
        expect(page.get_by_role("alert")).to_have_text(re.compile(r"\S"))
        expect(page.locator("#queue-view")).to_be_hidden()
        shot(page, "refused")
    finally:
        context.close()

    console = consoles(hubs[0].http_url, "alice", team["alice"])
    token = console.page.evaluate("sessionStorage.getItem('peerchat.mod_token')")
    assert token
    console.page.reload()  # the sign-in survives a reload of the tab
    expect(console.page.locator("#connection")).to_have_text("Live")
    console.page.get_by_role("button", name="Sign out").click()
    expect(console.page.get_by_role("heading", name="Moderator sign-in")).to_be_visible()
    assert console.page.evaluate("sessionStorage.getItem('peerchat.mod_token')") is None
    revoked = httpx.get(hubs[0].http_url + "/api/mod/me", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401  # signing out revoked the token on the server
    assert console.errors == []


def test_crisis_message_shows_resources_to_its_author_and_reaches_the_console_within_a_second(
    hubs, people, party, consoles, room, premod_room, team, shot
):
    console = consoles(hubs[1].http_url, "alice", team["alice"])
    author = people(hubs[0].http_url)
    author.enter(room)
    other = party(hubs[1].ws_url, room)
    # Some conversation first (the item's context), and a held message elsewhere (a mixed queue).
    other.say("Rough week here too, thank you all for listening.")
    author.say("Hi everyone, it has been a hard few days.")
    expect(author.messages.last).to_have_attribute("data-state", "delivered")
    hold(party(hubs[1].ws_url, premod_room), f"Is anyone else awake right now? ({secrets.token_hex(2)})")
    text = f"I want to end my life tonight ({secrets.token_hex(2)})"

    started = time.monotonic()
    author.say(text)
    row = console.row(text)
    expect(row).to_be_visible(timeout=3_000)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"the crisis item took {elapsed:.2f}s to appear in the console"

    notice = author.page.get_by_role("alertdialog", name="You are not alone")
    expect(notice).to_be_visible()
    expect(notice.locator("#crisis-resources > li").first).to_be_visible()

    expect(row).to_have_class(re.compile(r"\bcrisis\b"))
    expect(row).to_contain_text("Crisis")
    expect(row).to_contain_text(room)
    expect(console.page).to_have_title(TITLE_WITH_COUNT)
    expect(console.page.locator("#alerter")).to_contain_text(f"New crisis item in {room}")
    expect(console.page.locator('#counts li[data-kind="escalation"] .n')).not_to_have_text("0")
    crisis_rows = console.page.locator("#queue > li.q-item.crisis")
    others = console.page.locator("#queue > li.q-item:not(.crisis)")
    if others.count():  # crisis first: no non-crisis row comes before the last crisis row
        last_crisis = crisis_rows.last.evaluate("n => [...n.parentNode.children].indexOf(n)")
        first_other = others.first.evaluate("n => [...n.parentNode.children].indexOf(n)")
        assert last_crisis < first_other

    console.open(text)
    item = console.page.locator("#item")
    expect(item.locator("#item-kind")).to_have_text(re.compile(r"^Crisis"))
    expect(item.locator("#item-author")).to_have_text(author.handle)
    expect(item.locator("#item-categories .chip").first).to_be_visible()
    expect(item.locator("#item-before")).to_contain_text("Rough week here too")
    expect(item.locator("#item-recent")).to_contain_text("it has been a hard few days")
    expect(console.button("Approve")).to_be_disabled()  # nothing is possible before claiming
    console.claim()
    expect(console.button("Approve")).to_be_enabled()
    shot(console.page, "crisis")

    console.page.get_by_label("Hand to (crisis-trained)").fill("bob")
    console.button("Hand off").click()
    expect(console.result).to_have_text("Handed off to bob.")
    expect(row).to_have_count(0)  # resolved items leave the queue
    expect(console.page.locator("#item-lock")).to_contain_text("Decided: handoff by alice to bob")
    shot(console.page)
    assert console.errors == [] and author.unexpected_errors() == []


def test_moderator_approves_a_held_message_and_mutes_then_rejects(hubs, people, consoles, premod_room, team, shot):
    console = consoles(hubs[0].http_url, "alice", team["alice"])
    author = people(hubs[0].http_url)
    reader = people(hubs[1].http_url)
    author.enter(premod_room)
    reader.enter(premod_room)
    expect(reader.page.locator("#room-count")).to_have_text("2 people here now")

    first = f"Can I share something that happened at work today? ({secrets.token_hex(2)})"
    author.say(first)
    expect(author.messages.first).to_have_attribute("data-state", "pending")
    expect(console.row(first)).to_be_visible()  # without reloading the console
    expect(console.row(first)).to_contain_text("Held")
    console.open(first)
    expect(console.page.locator("#item-published")).to_have_text(re.compile(r"^No"))
    expect(console.button("Delete message")).to_be_hidden()  # never published: reject, not delete
    console.claim()
    expect(console.row(first)).to_contain_text("you are handling it")
    console.button("Approve").click()
    expect(console.result).to_have_text(re.compile(r"^Approved"))
    expect(console.row(first)).to_have_count(0)
    expect(author.messages.first).to_have_attribute("data-state", "delivered")
    expect(reader.messages.filter(has_text=first)).to_have_count(1)
    expect(author.messages).to_have_count(1)

    second = f"Honestly nobody here gets it, this is a waste of time ({secrets.token_hex(2)})"
    author.say(second)
    console.open(second)
    console.claim()
    console.page.get_by_label("Mute for (minutes)").fill("30")
    console.page.get_by_label("Where").select_option("room")
    console.page.get_by_label("Note for the audit log (optional)").fill("cooling off")
    console.button("Mute").click()
    expect(console.result).to_have_text(f"Muted {author.handle} in this room for 30 minutes.")
    notice = author.page.locator("#notices .notice[role=alert]")
    expect(notice).to_contain_text("muted you")

    console.page.get_by_label("Reason (the author sees it)").fill("Please keep it kind to the room.")
    console.button("Reject").click()
    expect(console.result).to_have_text(re.compile(r"^Rejected"))
    held = author.messages.filter(has_text=second)
    expect(held).to_have_attribute("data-state", "blocked")
    expect(held.locator(".state")).to_contain_text("Please keep it kind to the room.")

    author.say("Why can I not write anything any more?")
    refused = author.messages.last
    expect(refused).to_have_attribute("data-state", "blocked")
    expect(refused.locator(".state")).to_contain_text("muted")
    expect(reader.messages.filter(has_text=second)).to_have_count(0)
    shot(console.page, "console")
    shot(author.page, "author")
    assert console.errors == [] and author.unexpected_errors() == [] and reader.unexpected_errors() == []


def test_an_item_claimed_by_someone_else_is_shown_and_locks_the_buttons(
    hubs, party, consoles, premod_room, team, shot
):
    text = f"<img src=x onerror=alert(1)> is what I typed ({secrets.token_hex(2)})"
    alice = consoles(hubs[0].http_url, "alice", team["alice"])
    bob = consoles(hubs[1].http_url, "bob", team["bob"])
    author = party(hubs[1].ws_url, premod_room)
    hold(author, text)

    for console in (alice, bob):
        expect(console.row(text)).to_be_visible()
        console.open(text)
    expect(bob.page.locator("#item-text")).to_have_text(text)  # shown as text, nothing ran
    assert bob.page.locator("#item-text img").count() == 0

    alice.claim()
    lock = bob.page.locator("#item-lock")
    expect(lock).to_have_text(re.compile(r"^alice is handling this item"))
    expect(lock).to_have_attribute("data-kind", "locked")
    expect(bob.row(text)).to_contain_text("alice is handling it")
    expect(bob.button("Claim")).to_be_disabled()
    for name in ("Approve", "Reject", "Edit and approve", "Warn", "Mute", "Remove from room", "Ban"):
        expect(bob.button(name)).to_be_disabled()
    expect(bob.page.get_by_label("Reason (the author sees it)")).to_be_disabled()
    shot(bob.page, "locked")

    alice.button("Give back").click()
    expect(lock).to_have_text(re.compile(r"^Nobody is handling this item"))
    expect(bob.button("Claim")).to_be_enabled()
    bob.claim()
    expect(alice.page.locator("#item-lock")).to_have_text(re.compile(r"^bob is handling this item"))
    bob.page.get_by_label("Edited text").fill("I typed some odd characters")
    bob.button("Edit and approve").click()
    expect(bob.result).to_have_text(re.compile(r"^Edited and approved"))
    expect(alice.page.locator("#item-lock")).to_contain_text("Decided: edit_approve by bob")
    author.expect("message", room=premod_room, text="I typed some odd characters")
    author.expect("redacted", reasons=["edited_by_moderator"])
    assert alice.errors == [] and bob.errors == []


def test_losing_a_claim_race_shows_who_has_the_item(hubs, party, consoles, premod_room, team, shot):
    text = f"Is it okay to talk about my brother here? ({secrets.token_hex(2)})"

    def stale_feed(route: WebSocketRoute) -> None:
        # Bob's feed misses the news of Alice's claim, as if both clicked in the same instant.
        server = route.connect_to_server()
        server.on_message(lambda message: None if (text in str(message) and '"claimed"' in str(message))
                          else route.send(message))

    alice = consoles(hubs[0].http_url, "alice", team["alice"])
    bob = consoles(hubs[1].http_url, "bob", team["bob"], route=stale_feed)
    hold(party(hubs[0].ws_url, premod_room), text)
    for console in (alice, bob):
        console.open(text)
    alice.claim()
    expect(bob.page.locator("#item-lock")).to_have_text(re.compile(r"^Nobody is handling"))  # stale on purpose

    bob.button("Claim").click()
    expect(bob.result).to_have_text("alice is handling this item.")
    expect(bob.page.locator("#item-lock")).to_have_text(re.compile(r"^alice is handling this item"))
    expect(bob.button("Claim")).to_be_disabled()
    expect(bob.button("Approve")).to_be_disabled()
    shot(bob.page)
    alice.button("Reject").click()
    expect(alice.result).to_have_text(re.compile(r"^Rejected"))
    assert alice.errors == [] and bob.unexpected_errors(allow=r"409 \(Conflict\)") == []


def test_audit_log_lists_the_actions_and_pages(hubs, party, consoles, premod_room, fresh_moderator, shot):
    name, secret = fresh_moderator
    text = f"First time here, not sure what to say ({secrets.token_hex(2)})"
    hold(party(hubs[1].ws_url, premod_room), text)

    console = consoles(hubs[0].http_url, name, secret)
    console.open(text)
    console.claim()
    # 22 warnings and a decision: 23 entries, a full page of 20 and a second page of 3.
    for number in range(1, 23):
        console.page.get_by_label("Warning (sent privately)").fill(f"Gentle reminder {number}")
        console.page.get_by_label("Note for the audit log (optional)").fill(f"note {number}")
        console.button("Warn").click()
        expect(console.result).to_have_text(re.compile(r"^Warned"))
        console.page.evaluate("document.getElementById('result').textContent = ''")
    console.button("Approve").click()
    expect(console.result).to_have_text(re.compile(r"^Approved"))

    console.tab("Audit log")
    rows = console.page.locator("#audit-rows > tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_have_attribute("data-action", "approve")
    expect(rows.first).to_contain_text(name)
    expect(rows.nth(1)).to_contain_text("note 22")
    expect(console.page.locator("#audit-page")).to_have_text("Page 1")
    newer = console.page.get_by_role("button", name="Newer")
    older = console.page.get_by_role("button", name="Older")
    expect(newer).to_be_disabled()
    shot(console.page, "audit")

    older.click()
    expect(console.page.locator("#audit-page")).to_have_text("Page 2")
    expect(rows).to_have_count(3)
    expect(rows.last).to_contain_text("note 1")
    expect(rows.last).to_have_attribute("data-action", "warn")
    expect(older).to_be_disabled()
    newer.click()
    expect(console.page.locator("#audit-page")).to_have_text("Page 1")
    expect(rows).to_have_count(20)
    expect(rows.first).to_have_attribute("data-action", "approve")

    console.tab("Stats")
    expect(console.page.locator("#stats-claim")).to_contain_text("Median (p50)")
    expect(console.page.locator("#stats-decide")).to_contain_text("95th percentile (p95)")
    expect(console.page.locator("#stats-open")).to_contain_text("Crisis")
    shot(console.page, "stats")
    assert console.errors == []


def test_console_is_usable_on_a_tablet_with_the_keyboard(hubs, party, consoles, premod_room, team, shot):
    text = f"Small things are getting harder again this week ({secrets.token_hex(2)})"
    console = consoles(hubs[0].http_url, "bob", team["bob"], viewport={"width": 820, "height": 1180})
    hold(party(hubs[1].ws_url, premod_room), text)
    expect(console.row(text)).to_be_visible()
    expect(console.page.locator("#announcer")).to_contain_text(f"New held item in {premod_room}")
    expect(console.page).to_have_title(TITLE_WITH_COUNT)

    console.row(text).get_by_role("button").focus()
    console.page.keyboard.press("Enter")
    expect(console.page.locator("#item-title")).to_be_focused()
    expect(console.page.locator("#item-text")).to_have_text(text)
    claim = console.button("Claim")
    claim.focus()
    console.page.keyboard.press("Enter")
    expect(console.page.locator("#item-lock")).to_have_text(re.compile(r"^You are handling"))
    console.page.get_by_label("Reason (the author sees it)").fill("Thank you, please post it again later.")
    console.page.keyboard.press("Enter")  # submits the reject form
    expect(console.result).to_have_text(re.compile(r"^Rejected"))
    expect(console.page.locator("#item-title")).to_be_focused()  # not lost with the hidden buttons
    width = console.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, "nothing overflows sideways on a tablet"
    shot(console.page, "tablet", full_page=True)
    assert console.errors == []


def test_reports_show_their_reasons_and_lead_to_kick_delete_ban_and_dismiss(hubs, party, consoles, room, team, shot):
    first_author = party(hubs[0].ws_url, room)
    second_author = party(hubs[1].ws_url, room)
    unkind = f"Nobody cares what you think, just go away ({secrets.token_hex(2)})"
    fine = f"Does anyone have tips for sleeping after a loss? ({secrets.token_hex(2)})"
    unkind_id = first_author.say(unkind)
    fine_id = second_author.say(fine)
    console = consoles(hubs[0].http_url, "alice", team["alice"])

    def report(reporter: Any, message_id: str, reason: str) -> None:
        reporter.runner.run(reporter.client.send_frame(
            {"type": "report", "room": room, "message_id": message_id, "reason": reason}))
        reporter.expect("reported", message_id=message_id)

    report(second_author, unkind_id, "unkind or attacking")
    report(first_author, fine_id, "spam or advertising")

    expect(console.row(unkind)).to_contain_text("Report")
    expect(console.row(unkind)).to_contain_text("1 report")
    console.open(unkind)
    expect(console.page.locator("#item-reports")).to_have_text("1 report: unkind or attacking")
    expect(console.page.locator("#item-published")).to_have_text(re.compile(r"^Yes"))
    expect(console.button("Approve")).to_be_hidden()  # published already: delete or dismiss
    console.claim()
    console.button("Remove from room").click()
    expect(console.result).to_have_text(f"Removed {first_author.handle} from the room.")
    first_author.expect("kicked", room=room)
    console.button("Delete message").click()
    expect(console.result).to_have_text(re.compile(r"^Deleted"))
    second_author.expect("deleted", room=room, id=unkind_id)
    expect(console.row(unkind)).to_have_count(0)

    console.open(fine)
    console.claim()
    console.page.get_by_label("Ban for (minutes)").fill("60")
    console.button("Ban").click()
    expect(console.result).to_have_text(f"Banned {second_author.handle} for 60 min.")
    second_author.expect("error", code="banned")
    console.button("Dismiss (no action)").click()
    expect(console.result).to_have_text(re.compile(r"^Dismissed"))
    expect(console.row(fine)).to_have_count(0)
    shot(console.page)

    console.tab("Audit log")
    rows = console.page.locator("#audit-rows > tr")
    expect(rows.nth(0)).to_have_attribute("data-action", "dismiss")
    expect(rows.nth(1)).to_have_attribute("data-action", "ban")
    expect(rows.nth(2)).to_have_attribute("data-action", "delete")
    expect(rows.nth(3)).to_have_attribute("data-action", "kick")
    assert console.errors == []

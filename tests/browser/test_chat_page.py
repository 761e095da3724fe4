"""The chat page in a real Chromium against two real hub processes on a real Redis."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import WebSocketRoute, expect

from tests.browser.conftest import LINES


def members(base_url: str, room: str) -> int:
    rooms = httpx.get(base_url + "/api/rooms").json()["rooms"]
    return next(r["members"] for r in rooms if r["name"] == room)


def test_two_people_on_different_hubs_chat_in_one_room(hubs, people, room, shot):
    first_hub, second_hub = hubs
    ana = people(first_hub.http_url)
    ben = people(second_hub.http_url)
    ana.enter(room)
    ben.enter(room)
    expect(ana.page.locator("#room-count")).to_have_text("2 people here now")

    ana.say("Hi, is anyone around tonight? It's been a hard week.")
    expect(ben.messages).to_have_count(1)
    first = ben.messages.first
    expect(first.locator(".handle")).to_have_text(ana.handle)
    expect(first).not_to_have_class(re.compile(r"\bown\b"))
    expect(ana.messages.first).to_have_class(re.compile(r"\bown\b"))
    expect(ana.messages.first).to_have_attribute("data-state", "delivered")

    ben.say("I'm here. Want to tell us what happened?\nNo pressure.")
    ana.say("Thank you. Just having someone answer helps.")
    expect(ana.messages).to_have_count(3)
    expect(ben.messages).to_have_count(3)
    assert ana.texts() == ben.texts() == [
        "Hi, is anyone around tonight? It's been a hard week.",
        "I'm here. Want to tell us what happened?\nNo pressure.",
        "Thank you. Just having someone answer helps.",
    ]
    # New messages from others are announced to screen readers in a polite live region.
    announcer = ana.page.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_contain_text(f"{ben.handle}: I'm here.")
    shot(ana.page, "ana")
    shot(ben.page, "ben")
    assert ana.unexpected_errors() == [] and ben.unexpected_errors() == []


def test_markup_in_a_message_is_shown_as_text_and_runs_nothing(hubs, people, party, room, shot):
    payload = "<img src=x onerror=alert(1)>"
    reader = people(hubs[0].http_url)
    reader.enter(room)
    other = party(hubs[1].ws_url, room)
    other.say(payload)
    reader.say(payload + " <script>alert(2)</script>")
    expect(reader.messages).to_have_count(2)
    expect(reader.messages.nth(0).locator(".text")).to_have_text(payload)
    expect(reader.messages.nth(1).locator(".text")).to_have_text(payload + " <script>alert(2)</script>")
    assert reader.page.locator("img").count() == 0
    assert reader.page.locator("#messages script").count() == 0
    assert reader.dialogs == []
    shot(reader.page)
    assert reader.unexpected_errors() == []


def test_own_message_goes_from_sending_to_delivered(hubs, people, room, shot):
    link: dict[str, object] = {"holding": False, "held": [], "page_side": None}

    def route(ws: WebSocketRoute) -> None:
        # Sit between the page and its hub; while holding, keep the hub's frames back.
        link["page_side"] = ws
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if link["holding"]:
                link["held"].append(message)
            else:
                ws.send(message)

        server.on_message(from_server)

    person = people(hubs[0].http_url, route=route)
    person.enter(room)
    link["holding"] = True
    person.say("Today was a good day, for once.")
    mine = person.messages.first
    expect(mine).to_have_attribute("data-state", "sending")
    expect(mine.locator(".state")).to_have_text("Sending…")
    expect(mine).to_have_class(re.compile(r"\bown\b"))
    shot(person.page, "sending")

    link["holding"] = False
    for message in link["held"]:
        link["page_side"].send(message)
    expect(mine).to_have_attribute("data-state", "delivered")
    expect(mine.locator(".state")).to_have_text("Delivered")
    expect(mine).to_have_attribute("data-id", re.compile(r"^\d+-\d+$"))
    expect(person.messages).to_have_count(1)  # the echoed message merged with the draft, not shown twice
    assert person.unexpected_errors() == []


def test_guidelines_must_be_accepted_before_joining(hubs, people, room, shot):
    hub = hubs[0]
    person = people(hub.http_url)
    person.page.locator(f'li[data-room="{room}"] button').click()
    dialog = person.page.get_by_role("dialog", name=re.compile("Before you join"))
    expect(dialog).to_be_visible()
    expect(dialog.locator("#guidelines-list li")).to_have_text(["Be kind."])
    expect(person.page.locator("#room-view")).to_be_hidden()
    shot(person.page, "asked")

    dialog.get_by_role("button", name="Not now").click()
    expect(dialog).to_be_hidden()
    expect(person.page.locator("#catalog-view")).to_be_visible()
    assert members(hub.http_url, room) == 0  # declining did not join

    person.page.locator(f'li[data-room="{room}"] button').click()
    dialog.get_by_role("button", name="I agree, take me in").click()
    expect(person.page.locator("#room-count")).to_have_text("1 person here now")
    expect(person.page.locator("#composer-text")).to_be_focused()

    # Accepted once: remembered in localStorage, so the next visit goes straight in.
    person.page.get_by_role("button", name="Leave room").click()
    person.page.reload()
    expect(person.page.locator("#connection")).to_have_text("Connected")
    person.page.locator(f'li[data-room="{room}"] button').click()
    expect(person.page.locator("#room-view")).to_be_visible()
    expect(dialog).to_be_hidden()
    assert person.unexpected_errors() == []


def test_phone_sized_screen_is_usable(hubs, people, party, room, shot):
    person = people(
        hubs[0].http_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = person.page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "catalog scrolls sideways"
    person.enter(room)
    other = party(hubs[1].ws_url, room)
    other.say("Welcome. Mornings are the hardest for me too.")
    box = page.locator("#composer-text")
    box.tap()
    box.fill("Thank you. I made tea and sat by the window, which helped a little.")
    page.get_by_role("button", name="Send", exact=True).tap()
    expect(person.messages).to_have_count(2)
    expect(person.messages.last).to_have_attribute("data-state", "delivered")
    other.say("That's a real step. Be gentle with yourself today.")
    expect(person.messages).to_have_count(3)
    for locator in (box, page.get_by_role("button", name="Send", exact=True), page.locator("#room-title"),
                    page.get_by_role("button", name="Leave room"), person.messages.last):
        expect(locator).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "room scrolls sideways"
    shot(page, "phone")
    assert person.unexpected_errors() == []


def test_keyboard_enter_sends_shift_enter_breaks_line_and_focus_is_visible(hubs, people, room):
    person = people(hubs[0].http_url)
    person.enter(room)
    box = person.page.locator("#composer-text")
    expect(box).to_be_focused()
    box.press_sequentially("first line")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    expect(person.messages).to_have_count(0)
    box.press("Enter")
    expect(person.messages).to_have_count(1)
    assert person.texts() == ["first line\nsecond line"]
    expect(box).to_have_value("")
    box.press("Tab")
    send = person.page.get_by_role("button", name="Send", exact=True)
    expect(send).to_be_focused()
    style = send.evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth")
    assert style.startswith("solid") and not style.endswith(" 0px"), style


def test_draw_a_new_name_before_joining(hubs, people, party, room):
    person = people(hubs[0].http_url)
    before = person.handle
    person.page.get_by_role("button", name="Draw a new name").click()
    expect(person.page.locator("#handle")).not_to_have_text(before)
    expect(person.page.locator("#handle")).not_to_have_text("…")
    after = person.handle
    expect(person.page.locator("#handle-again")).to_have_text(after)
    other = party(hubs[1].ws_url, room)
    person.enter(room)
    person.say("hello with my new name")
    assert other.expect("message", room=room)["handle"] == after


def test_leave_a_room_and_report_a_message(hubs, people, party, room, shot):
    person = people(hubs[0].http_url)
    person.enter(room)
    other = party(hubs[1].ws_url, room)
    expect(person.page.locator("#room-count")).to_have_text("2 people here now")
    other.say("honestly this whole room is useless")
    expect(person.messages).to_have_count(1)

    person.messages.first.get_by_role("button", name=f"Report message from {other.handle}").click()
    dialog = person.page.get_by_role("dialog", name="Report a message")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Unkind or attacking").check()
    dialog.get_by_label("More details (optional)").fill("insulting everyone")
    shot(person.page, "report")
    dialog.get_by_role("button", name="Send report").click()
    expect(person.messages.first.locator(".reported")).to_have_text("Reported — thank you")

    person.page.get_by_role("button", name="Leave room").click()
    expect(person.page.locator("#catalog-view")).to_be_visible()
    assert other.expect("presence", room=room, count=1)["count"] == 1
    assert person.unexpected_errors() == []


def test_lost_history_is_said_after_a_reconnect(start_hub, people, party, room, shot):
    """A reconnect whose `since` was trimmed away says so, and still shows every kept message once."""
    hub = start_hub(PEERCHAT_HISTORY_LIMIT="3")
    link: dict[str, object] = {"offline": False, "sockets": []}

    def route(ws: WebSocketRoute) -> None:
        if link["offline"]:
            ws.close()  # as if the network were down: the page keeps retrying
            return
        link["sockets"].append(ws)
        ws.connect_to_server()

    person = people(hub.http_url, route=route)
    person.enter(room)
    other = party(hub.ws_url, room)
    other.say(LINES[0])
    expect(person.messages).to_have_count(1)

    link["offline"] = True
    link["sockets"][-1].close()
    expect(person.page.locator("#connection")).to_have_attribute("data-state", "offline")
    for line in LINES[1:6]:
        other.say(line)
    link["offline"] = False
    expect(person.page.locator("#connection")).to_have_text("Connected", timeout=20_000)
    expect(person.page.locator("#notices")).to_contain_text("Some earlier messages are no longer available.")
    expect(person.messages).to_have_count(4)
    assert person.texts() == [LINES[0], *LINES[3:6]]
    shot(person.page)
    assert person.unexpected_errors(allow="WebSocket") == []

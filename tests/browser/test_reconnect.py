"""The chat page survives the crash of the hub process it talks to: it comes back without gaps or duplicates."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import LINES
from tests.support.hubs import HubProcess


def test_page_reconnects_after_its_hub_is_killed(hubs, start_hub, people, party, room, shot):
    own_hub = start_hub()
    person = people(own_hub.http_url)
    person.enter(room)
    other = party(hubs[1].ws_url, room)  # keeps posting through another hub during the outage
    before, during, after = LINES[0:3], LINES[3:7], LINES[7:9]
    for line in before:
        other.say(line)
    expect(person.messages).to_have_count(3)

    own_hub.kill()
    expect(person.page.locator("#connection")).to_have_attribute("data-state", "offline")
    for line in during:
        other.say(line)
    person.say("still here, my connection dropped")
    mine = person.messages.last
    expect(mine).to_have_attribute("data-state", "sending")
    shot(person.page, "offline")

    revived = HubProcess(own_hub.env, port=own_hub.port)  # the same address the page keeps trying
    try:
        revived.start()
        expect(person.page.locator("#connection")).to_have_text("Connected", timeout=20_000)
        expect(mine).to_have_attribute("data-state", "delivered")
        other.say(after[0])
        expected = [*before, *during, "still here, my connection dropped", after[0]]
        expect(person.messages).to_have_count(len(expected))
        assert person.texts() == expected
        ids = person.page.locator("#messages > li.msg").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
        assert len(set(ids)) == len(ids) and None not in ids
        expect(person.page.locator("#notices")).not_to_contain_text("no longer available")
        # The resent message was posted once, under the same handle.
        posted = other.expect("message", room=room, text="still here, my connection dropped")
        assert posted["handle"] == person.handle
        other.say(after[1])
        expect(person.messages).to_have_count(len(expected) + 1)
        assert person.texts().count("still here, my connection dropped") == 1
        other.expect("message", room=room, text=after[1])  # a duplicate would have come before it
        assert not other.frames("message", text="still here, my connection dropped")
        shot(person.page, "back")
        assert person.unexpected_errors(allow="WebSocket|ERR_CONNECTION_REFUSED") == []
    finally:
        person.context.close()  # else the page reconnects to the hub while it shuts down, and it waits
        revived.stop()

"""Moderation before fan-out, end to end through real websockets on two hub processes."""

from __future__ import annotations

from tests.support.client import connected
from tests.support.moderators import Feed, Moderator


async def _next_text(client, room: str) -> str:
    return (await client.expect("message", room=room))["text"]


async def test_a_phone_number_arrives_redacted_for_every_member(hubs, moderated_room):
    first, second = hubs
    author = await connected(first.ws_url, moderated_room)
    members = [await connected(first.ws_url, moderated_room), await connected(second.ws_url, moderated_room)]
    client_id = await author.send(moderated_room, "text me on +1 415 555 0133 if you want to talk")
    redacted = await author.expect("redacted", client_id=client_id)
    assert "pii" in " ".join(redacted["reasons"]) or redacted["reasons"]
    assert redacted["message"]
    for member in [author, *members]:
        text = await _next_text(member, moderated_room)
        assert "555" not in text and "[phone number removed]" in text
    for client in [author, *members]:
        await client.close()


async def test_a_harassing_message_reaches_nobody_and_its_author_is_told_it_is_held(hubs, moderated_room):
    first, second = hubs
    author = await connected(first.ws_url, moderated_room)
    other = await connected(second.ws_url, moderated_room)
    client_id = await author.send(moderated_room, "you are a worthless idiot and everyone hates you")
    held = await author.expect("held", client_id=client_id)
    assert held["message"] and held["reasons"]
    await author.send(moderated_room, "sorry, bad day")
    assert await _next_text(other, moderated_room) == "sorry, bad day"  # the held one never came first
    await author.close()
    await other.close()


async def test_a_crisis_message_reaches_the_room_its_author_gets_resources_and_moderators_an_item(
    hubs, team, moderated_room
):
    first, second = hubs
    moderator = await Moderator.sign_in(second, "alice", team["alice"])
    feed = await Feed.open(second, moderator.token)
    author = await connected(first.ws_url, moderated_room, locale="es")
    other = await connected(second.ws_url, moderated_room)
    await author.send(moderated_room, "I want to kill myself")
    crisis = await author.expect("crisis")
    assert crisis["resources"] and crisis["message"]
    assert crisis["closing"] == crisis["lines"][-1]
    assert await _next_text(other, moderated_room) == "I want to kill myself"
    item = (await feed.expect(lambda f: f.get("type") == "queue" and f["item"]["room"] == moderated_room))["item"]
    assert item["kind"] == "escalation" and item["priority"] == 100 and "self_harm" in item["categories"]
    assert item["author_handle"] == author.handle and item["message_id"]
    for client in (moderator, feed, author, other):
        await client.close()


async def test_a_message_with_a_plan_is_held_and_escalated_and_reaches_nobody(
    hubs, team, moderated_room
):
    first, second = hubs
    moderator = await Moderator.sign_in(first, "bob", team["bob"])
    feed = await Feed.open(first, moderator.token)
    author = await connected(second.ws_url, moderated_room)
    other = await connected(first.ws_url, moderated_room)
    text = "I have the pills ready and I will take them all tonight at midnight"
    client_id = await author.send(moderated_room, text)
    assert (await author.expect("held", client_id=client_id))["message"]
    assert (await author.expect("crisis"))["resources"]
    item = (await feed.expect(lambda f: f.get("type") == "queue" and f["item"]["room"] == moderated_room))["item"]
    assert item["kind"] == "escalation" and item["message_id"] is None and item["text"] == text
    assert item["priority"] == 100
    await author.send(moderated_room, "after")
    assert await _next_text(other, moderated_room) == "after"
    for client in (moderator, feed, author, other):
        await client.close()


async def test_figures_of_speech_pass_untouched(hubs, moderated_room):
    author = await connected(hubs[0].ws_url, moderated_room)
    for text in ("this exam is killing me", "I could die laughing at that video"):
        client_id = await author.send(moderated_room, text)
        await author.expect("ack", client_id=client_id)
        assert await _next_text(author, moderated_room) == text
    assert not [f for f in author.frames if f["type"] in ("held", "crisis", "redacted", "blocked")]
    await author.close()

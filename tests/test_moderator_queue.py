"""The moderators' live queue across two real hub processes: claims, leases, decisions, sanctions."""

from __future__ import annotations

import asyncio

import pytest

from app.protocol import message_id_key
from tests.conftest import hub_env
from tests.support.client import ChatClient, connected
from tests.support.hubs import HubProcess
from tests.support.moderators import Feed, Moderator, add_moderator


async def _held_item(author: ChatClient, room: str, text: str, feed: Feed) -> dict:
    client_id = await author.send(room, text)
    held = await author.expect("held", client_id=client_id)
    assert held["message"]
    frame = await feed.expect(lambda f: f.get("type") == "queue" and f["item"]["text"] == text)
    return frame["item"]


async def test_two_moderators_on_two_hubs_race_for_items_and_exactly_one_wins_each_time(hubs, team, premod_room):
    first, second = hubs
    alice = await Moderator.sign_in(first, "alice", team["alice"])
    bob = await Moderator.sign_in(second, "bob", team["bob"])
    feed = await Feed.open(first, alice.token)
    author = await connected(second.ws_url, premod_room)
    for round_number in range(15):
        item = await _held_item(author, premod_room, f"round {round_number}", feed)
        answers = await asyncio.gather(alice.claim(item["id"]), bob.claim(item["id"]))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        winner = "alice" if answers[0].status_code == 200 else "bob"
        loser_answer = answers[1] if winner == "alice" else answers[0]
        assert loser_answer.json()["code"] == "claimed"
        assert loser_answer.json()["item"]["claimed_by"] == winner
        assert winner in loser_answer.json()["message"]
    for client in (alice, bob, feed, author):
        await client.close()


async def test_an_approved_held_message_reaches_members_on_both_hubs_once_and_in_order(hubs, team, premod_room):
    first, second = hubs
    alice = await Moderator.sign_in(first, "alice", team["alice"])
    feed = await Feed.open(second, alice.token)
    author = await connected(first.ws_url, premod_room)
    members = [await connected(first.ws_url, premod_room), await connected(second.ws_url, premod_room)]
    item = await _held_item(author, premod_room, "please let this through", feed)
    assert item["kind"] == "held" and item["author_handle"] == author.handle
    assert (await alice.claim(item["id"])).status_code == 200
    decided = await alice.decide(item["id"], "approve")
    assert decided.status_code == 200, decided.text
    published = [await member.expect("message", room=premod_room) for member in members]
    assert [m["text"] for m in published] == ["please let this through"] * 2
    assert published[0]["id"] == published[1]["id"]
    acked = await author.expect("ack", room=premod_room)
    assert acked["id"] == published[0]["id"]
    # Approving again is refused: the item is resolved, and nothing is published twice.
    again = await alice.decide(item["id"], "approve")
    assert again.status_code == 409
    for member in members:
        await member.send_frame({"type": "ping"})
        await member.expect("pong")
        assert not [f for f in member.frames if f["type"] == "message"]
    for client in (alice, feed, author, *members):
        await client.close()


async def test_rejecting_tells_the_author_and_publishes_nothing(hubs, team, premod_room):
    first, second = hubs
    bob = await Moderator.sign_in(second, "bob", team["bob"])
    feed = await Feed.open(first, bob.token)
    author = await connected(first.ws_url, premod_room)
    item = await _held_item(author, premod_room, "not this one", feed)
    assert (await bob.claim(item["id"])).status_code == 200
    assert (await bob.decide(item["id"], "reject", reason="Please keep it kind.")).status_code == 200
    rejected = await author.expect("rejected", room=premod_room)
    assert rejected["message"] == "Please keep it kind."
    resolved = await feed.expect(lambda f: f.get("change") == "resolved" and f["item"]["id"] == item["id"])
    assert resolved["item"]["decision"]["action"] == "reject"
    for client in (bob, feed, author):
        await client.close()


async def test_a_lapsed_claim_returns_the_item_to_everyone(start_hub, team, premod_room):
    hub = start_hub(PEERCHAT_CLAIM_LEASE_SECONDS="1", PEERCHAT_SWEEP_INTERVAL_SECONDS="0.2")
    alice = await Moderator.sign_in(hub, "alice", team["alice"])
    bob = await Moderator.sign_in(hub, "bob", team["bob"])
    feed = await Feed.open(hub, bob.token)
    author = await connected(hub.ws_url, premod_room)
    item = await _held_item(author, premod_room, "waiting for someone", feed)
    assert (await alice.claim(item["id"])).status_code == 200
    assert (await bob.claim(item["id"])).status_code == 409
    released = await feed.expect(lambda f: f.get("change") == "released" and f["item"]["id"] == item["id"])
    assert released["item"]["state"] == "open" and released["item"]["claimed_by"] in (None, "")
    assert (await bob.claim(item["id"])).status_code == 200
    for client in (alice, bob, feed, author):
        await client.close()


async def test_mute_kick_and_ban_take_effect_on_the_other_hub(hubs, team, premod_room, room):
    first, second = hubs
    alice = await Moderator.sign_in(first, "alice", team["alice"])
    feed = await Feed.open(first, alice.token)
    author = await connected(second.ws_url, premod_room)  # lives on the other hub
    await author.join(room)
    item = await _held_item(author, premod_room, "something to act on", feed)
    assert (await alice.claim(item["id"])).status_code == 200

    assert (await alice.act(item["id"], "mute", minutes=5, scope="everywhere")).status_code == 200
    await author.expect("notice")
    await author.send(room, "can I still talk?", client_id="after-mute")
    muted = await author.error("muted")
    assert muted["ref"] == "after-mute" and 0 < muted["retry_after"] <= 300

    assert (await alice.act(item["id"], "kick")).status_code == 200
    kicked = await author.expect("kicked", room=premod_room)
    assert kicked["message"]

    assert (await alice.act(item["id"], "ban", minutes=60)).status_code == 200
    await author.error("banned")
    with pytest.raises(Exception):
        while True:
            await author.next_frame()
    assert author.ws.close_code == 4003
    comeback = await ChatClient(first.ws_url).connect()
    await comeback.send_frame({"type": "hello", "resume_token": author.resume_token})
    await comeback.error("banned")
    for client in (alice, feed, comeback):
        await client.close()


async def test_a_report_makes_one_item_whose_priority_rises_with_more_reports(hubs, team, room):
    first, second = hubs
    alice = await Moderator.sign_in(first, "alice", team["alice"])
    feed = await Feed.open(first, alice.token)
    author = await connected(first.ws_url, room)
    await author.send(room, "first words")
    await author.send(room, "a message people will report")
    await author.expect("message", room=room, text="first words")
    message = await author.expect("message", room=room, text="a message people will report")
    reporters = [await connected(hub.ws_url, room) for hub in (first, second, second)]
    priorities = []
    for number, reporter in enumerate(reporters):
        await reporter.send_frame({"type": "report", "room": room, "message_id": message["id"], "reason": f"r{number}"})
        await reporter.expect("reported")
        change = await feed.expect(lambda f: f.get("type") == "queue" and f["item"]["message_id"] == message["id"])
        priorities.append(change["item"]["priority"])
        assert change["item"]["report_count"] == number + 1
    assert priorities == sorted(priorities) and priorities[0] < priorities[-1]
    reported = [item for item in await alice.items() if item["message_id"] == message["id"]]
    assert len(reported) == 1 and reported[0]["kind"] == "report"
    assert [m["text"] for m in reported[0]["context"]["before"]] == ["first words"]
    assert [m["text"] for m in reported[0]["context"]["author_recent"]] == ["first words"]
    # Deleting removes it from history and tells every member to hide it.
    assert (await alice.claim(reported[0]["id"])).status_code == 200
    assert (await alice.decide(reported[0]["id"], "delete", reason="hurtful")).status_code == 200
    for client in [author, *reporters]:
        deleted = await client.expect("deleted", room=room)
        assert deleted["id"] == message["id"]
    late = await connected(second.ws_url)
    assert message["id"] not in [m["id"] for m in (await late.join(room))["history"]]
    for client in (alice, feed, author, late, *reporters):
        await client.close()


async def test_a_held_message_not_decided_in_time_is_rejected_and_its_author_told(hubs, team):
    first, _ = hubs
    alice = await Moderator.sign_in(first, "alice", team["alice"])
    feed = await Feed.open(first, alice.token)
    author = await connected(first.ws_url, "quick-hold")
    item = await _held_item(author, "quick-hold", "nobody looked at this", feed)
    rejected = await author.expect("rejected", room="quick-hold", timeout=15)
    assert "in time" in rejected["message"]
    resolved = await feed.expect(lambda f: f.get("change") == "resolved" and f["item"]["id"] == item["id"])
    assert resolved["item"]["decision"]["by"] == "timeout"
    for client in (alice, feed, author):
        await client.close()


async def test_items_survive_a_restart_of_every_hub(redis_url, key_prefix, rooms_file, team, premod_room):
    env = hub_env(redis_url, key_prefix, rooms_file)
    hub = HubProcess(env).start()
    try:
        alice = await Moderator.sign_in(hub, "alice", team["alice"])
        feed = await Feed.open(hub, alice.token)
        author = await connected(hub.ws_url, premod_room)
        item = await _held_item(author, premod_room, "still here after a restart?", feed)
        await feed.close()
        await alice.close()
    finally:
        hub.stop()
    hub = HubProcess(env).start()
    try:
        alice = await Moderator.sign_in(hub, "alice", team["alice"])
        assert item["id"] in [entry["id"] for entry in await alice.items()]
        await alice.close()
    finally:
        hub.stop()


async def test_the_audit_log_pages_and_moderators_see_only_their_own(hubs, team, premod_room):
    first, _ = hubs
    bob = await Moderator.sign_in(first, "bob", team["bob"])
    admin = await Moderator.sign_in(first, "admin", team["admin"])
    feed = await Feed.open(first, bob.token)
    author = await connected(first.ws_url, premod_room)
    item = await _held_item(author, premod_room, "audit me", feed)
    assert (await bob.claim(item["id"])).status_code == 200
    assert (await bob.act(item["id"], "warn", message="Please be gentle.")).status_code == 200
    assert (await author.expect("notice"))["message"] == "Please be gentle."
    assert (await bob.decide(item["id"], "dismiss", reason="fine")).status_code == 200
    own = (await bob.http.get("/api/mod/audit", params={"limit": 200})).json()["entries"]
    assert own and all(entry["moderator"] == "bob" for entry in own)
    assert [e["action"] for e in own if e["item_id"] == item["id"]][:2] == ["dismiss", "warn"]
    assert all("token" not in str(entry) and "127.0.0.1" not in str(entry) for entry in own)
    everyone = (await admin.http.get("/api/mod/audit", params={"limit": 1})).json()
    assert len(everyone["entries"]) == 1 and everyone["next_before"]
    older = (await admin.http.get("/api/mod/audit", params={"limit": 1, "before": everyone["next_before"]})).json()
    assert message_id_key(older["entries"][0]["id"]) < message_id_key(everyone["entries"][0]["id"])
    for client in (bob, admin, feed, author):
        await client.close()


async def test_an_unclaimed_crisis_is_announced_again_until_someone_claims_it(start_hub, team, moderated_room):
    hub = start_hub(PEERCHAT_CRISIS_REANNOUNCE_SECONDS="1", PEERCHAT_SWEEP_INTERVAL_SECONDS="0.2")
    alice = await Moderator.sign_in(hub, "alice", team["alice"])
    feed = await Feed.open(hub, alice.token)
    author = await connected(hub.ws_url, moderated_room)
    await author.send(moderated_room, "I want to kill myself")
    first = await feed.expect(lambda f: f.get("change") == "new" and f["item"]["room"] == moderated_room)
    item_id = first["item"]["id"]
    counts = []
    for _ in range(2):
        again = await feed.expect(lambda f: f.get("change") == "reannounced" and f["item"]["id"] == item_id)
        counts.append(again["item"]["announcements"])
    assert counts == sorted(counts) and counts[0] >= 2 and counts[1] > counts[0]
    assert (await alice.claim(item_id)).status_code == 200
    for client in (alice, feed, author):
        await client.close()

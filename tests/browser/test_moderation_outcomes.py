"""What moderation does to a person's own messages, as they see it on the chat page (real hubs, real Redis)."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_crisis_notice_shows_resources_to_its_author(hubs, people, party, room, shot):
    person = people(hubs[0].http_url)
    person.enter(room)
    other = party(hubs[1].ws_url, room)
    person.say("I want to end my life tonight")

    notice = person.page.get_by_role("alertdialog", name="You are not alone")
    expect(notice).to_be_visible()
    expect(notice.locator("#crisis-message")).not_to_be_empty()
    expect(notice.locator("#crisis-resources > li").first).to_be_visible()
    expect(notice.locator("#crisis-closing")).to_contain_text("emergency")
    expect(person.page.locator("#crisis-title")).to_be_focused()  # focus moved to the notice
    mine = person.messages.first
    expect(mine).to_have_attribute("data-state", "pending")
    expect(mine.locator(".state")).to_contain_text("moderator")
    shot(person.page, "notice")

    notice.get_by_role("button", name="Back to the conversation").click()
    expect(notice).to_be_hidden()
    again = person.page.get_by_role("button", name="Support resources")
    again.click()
    expect(notice).to_be_visible()
    person.page.keyboard.press("Escape")
    expect(notice).to_be_hidden()

    other.say("checking the room is live")  # the held message never reached the other person
    expect(person.messages).to_have_count(2)
    assert not other.frames("message", text="I want to end my life tonight")
    assert person.unexpected_errors() == []


def test_redacted_message_shows_the_reason_and_the_published_text(hubs, people, party, room, shot):
    person = people(hubs[0].http_url)
    person.enter(room)
    other = party(hubs[1].ws_url, room)
    person.say("call me on 415 555 0134 anytime")
    mine = person.messages.first
    expect(mine).to_have_attribute("data-state", "redacted")
    expect(mine.locator(".state")).to_have_text(re.compile(r"^Published with parts removed — .*phone number"))
    expect(mine.locator(".text")).to_have_text("call me on [phone number removed] anytime")
    published = other.expect("message", room=room)
    assert published["text"] == "call me on [phone number removed] anytime"
    expect(person.messages).to_have_count(1)
    shot(person.page)
    assert person.unexpected_errors() == []


def test_held_message_is_pending_review_and_unseen_by_others(hubs, people, party, moderated_room, shot):
    room = moderated_room
    person = people(hubs[0].http_url)
    person.enter(room)
    other = party(hubs[1].ws_url, room)
    person.say("you are all pathetic losers, shut up")
    mine = person.messages.first
    expect(mine).to_have_attribute("data-state", "pending")
    expect(mine.locator(".state")).to_have_text(re.compile(r"^Pending review — .*review"))
    person.say("sorry, bad day")
    expect(person.messages.last).to_have_attribute("data-state", "delivered")
    assert other.expect("message", room=room)["text"] == "sorry, bad day"
    texts = person.texts()
    assert texts == ["you are all pathetic losers, shut up", "sorry, bad day"]  # held one stays where written
    shot(person.page)
    assert person.unexpected_errors() == []


def test_held_message_not_reviewed_in_time_is_not_published(hubs, people):
    person = people(hubs[0].http_url)
    person.enter("quick-hold")
    person.say("a message nobody will review")
    mine = person.messages.first
    expect(mine).to_have_attribute("data-state", "pending")
    expect(mine).to_have_attribute("data-state", "blocked", timeout=20_000)
    expect(mine.locator(".state")).to_contain_text("Not published — No moderator could review your message in time")
    assert person.unexpected_errors() == []


def test_leave_and_forget_me_removes_messages_everywhere(hubs, people, room, shot):
    leaver = people(hubs[0].http_url)
    stayer = people(hubs[1].http_url)
    leaver.enter(room)
    stayer.enter(room)
    leaver.say("I think I said too much earlier")
    stayer.say("that's okay")
    leaver.say("thank you, I'll go now")
    expect(stayer.messages).to_have_count(3)

    leaver.page.get_by_role("button", name="Leave and forget me").click()
    confirm = leaver.page.get_by_role("dialog", name="Leave and forget me?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Stay").click()
    expect(confirm).to_be_hidden()
    expect(leaver.page.locator("#room-view")).to_be_visible()

    leaver.page.get_by_role("button", name="Leave and forget me").click()
    shot(leaver.page, "confirm")
    confirm.get_by_role("button", name="Leave and forget me").click()
    goodbye = leaver.page.locator("#goodbye-view")
    expect(goodbye).to_be_visible()
    expect(goodbye).to_contain_text("2 messages you wrote were removed")
    expect(leaver.page.locator("#goodbye-title")).to_be_focused()
    assert leaver.page.evaluate("sessionStorage.getItem('peerchat.resume_token')") is None
    assert leaver.page.evaluate("localStorage.length") == 0
    expect(leaver.page.locator("#connection")).to_have_text("Not connected")

    # `deleted` reaches the other person, on the other hub: only their own message is left.
    expect(stayer.messages).to_have_count(1)
    assert stayer.texts() == ["that's okay"]
    shot(leaver.page, "goodbye")
    assert leaver.unexpected_errors() == [] and stayer.unexpected_errors() == []


def test_moderator_approves_a_held_message_and_both_people_see_it(hubs, people, premod_room, moderator, shot):
    author = people(hubs[0].http_url)
    reader = people(hubs[1].http_url)
    author.enter(premod_room)
    reader.enter(premod_room)
    text = "Can I share something that happened at work today?"
    author.say(text)
    mine = author.messages.first
    expect(mine).to_have_attribute("data-state", "pending")
    expect(reader.page.locator("#room-count")).to_have_text("2 people here now")

    moderator.decide(moderator.item_for(premod_room, text), "approve")
    expect(mine).to_have_attribute("data-state", "delivered")
    expect(reader.messages).to_have_count(1)
    expect(reader.messages.first.locator(".text")).to_have_text(text)
    expect(author.messages).to_have_count(1)  # the published copy took the pending one's place
    shot(author.page)
    assert author.unexpected_errors() == [] and reader.unexpected_errors() == []


def test_muted_person_is_told_and_their_next_message_is_refused_with_the_reason(
    hubs, people, premod_room, moderator, shot
):
    person = people(hubs[0].http_url)
    person.enter(premod_room)
    first = "This is my first message here, hello to everyone."
    person.say(first)
    expect(person.messages.first).to_have_attribute("data-state", "pending")

    moderator.act(moderator.item_for(premod_room, first), "mute", minutes=30)
    notice = person.page.locator("#notices .notice[role=alert]")
    expect(notice).to_contain_text("A message from the moderators")
    expect(notice).to_contain_text("muted you")

    person.say("Why can I not write anything any more?")
    refused = person.messages.last
    expect(refused).to_have_attribute("data-state", "blocked")
    expect(refused.locator(".state")).to_contain_text("Not published — A moderator has muted you")
    expect(refused.locator(".state")).to_contain_text("write again in 30 minutes")
    shot(person.page)
    assert person.unexpected_errors() == []


def test_blocked_message_is_not_published_and_says_why(start_hub, people, tmp_path, shot):
    # The shared test catalog has no blocking room; this hub gets a strict one of its own.
    catalog = tmp_path / "strict.toml"
    catalog.write_text(
        'guidelines = "Be kind."\n[[rooms]]\nname = "strict"\ntitle = "Strict"\n[rooms.moderation]\nlevel = 4\n',
        encoding="utf-8",
    )
    hub = start_hub(PEERCHAT_ROOMS_FILE=str(catalog))
    person = people(hub.http_url)
    person.enter("strict")
    person.say("you are all pathetic losers, shut up")
    mine = person.messages.first
    expect(mine).to_have_attribute("data-state", "blocked")
    expect(mine.locator(".state")).to_have_text(re.compile(r"^Not published — \S"))
    expect(person.page.locator("#announcer")).to_contain_text("Your message was not published")
    shot(person.page)
    assert person.unexpected_errors() == []


def test_kicked_person_is_back_in_the_catalog_with_the_reason(hubs, people, premod_room, moderator):
    person = people(hubs[0].http_url)
    person.enter(premod_room)
    text = "Just testing whether anyone reads this room at all."
    person.say(text)
    expect(person.messages.first).to_have_attribute("data-state", "pending")
    moderator.act(moderator.item_for(premod_room, text), "kick")
    expect(person.page.locator("#catalog-view")).to_be_visible()
    expect(person.page.locator("#catalog-view .notice[role=alert]")).to_contain_text("removed you from this room")
    assert person.unexpected_errors() == []

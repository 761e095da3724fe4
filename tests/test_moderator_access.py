"""Moderator endpoints refuse anyone who is not a signed-in moderator (and admins' ones non-admins)."""

from __future__ import annotations

import httpx
import pytest
import websockets

from tests.support.client import connected
from tests.support.moderators import Feed, Moderator

ENDPOINTS = [
    ("POST", "/api/mod/signout", None),
    ("GET", "/api/mod/me", None),
    ("GET", "/api/mod/items", None),
    ("GET", "/api/mod/items/1", None),
    ("POST", "/api/mod/items/1/claim", None),
    ("POST", "/api/mod/items/1/release", None),
    ("POST", "/api/mod/items/1/decision", {"action": "approve"}),
    ("POST", "/api/mod/items/1/actions", {"action": "warn"}),
    ("GET", "/api/mod/audit", None),
    ("GET", "/api/mod/stats", None),
    ("GET", "/api/mod/moderators", None),
    ("POST", "/api/mod/moderators", {"name": "mallory"}),
    ("POST", "/api/mod/moderators/alice/disable", None),
]
ADMIN_ONLY = {"/api/mod/moderators", "/api/mod/moderators/alice/disable"}


def test_every_moderator_route_of_the_app_is_in_this_list(hubs):
    schema = httpx.get(hubs[0].http_url + "/openapi.json").json()
    listed = {path.replace("1", "{item_id}").replace("alice", "{name}") for _, path, _ in ENDPOINTS}
    documented = {path for path in schema["paths"] if path.startswith("/api/mod/") and path != "/api/mod/signin"}
    assert documented == listed


async def test_no_token_or_a_chat_token_is_refused_everywhere(hubs, room):
    chat = await connected(hubs[0].ws_url, room)
    async with httpx.AsyncClient(base_url=hubs[1].http_url) as http:
        for headers in ({}, {"Authorization": f"Bearer {chat.resume_token}"}, {"Authorization": "Basic abc"},
                        {"Authorization": "Bearer"}):
            for method, path, body in ENDPOINTS:
                response = await http.request(method, path, json=body, headers=headers)
                assert response.status_code == 401, (method, path, headers, response.text)
                assert response.json()["code"] == "unauthenticated"
    for token in (None, chat.resume_token, "nonsense"):
        feed = await websockets.connect(hubs[0].ws_url.replace("/ws", "/mod/ws"))
        if token is not None:
            await feed.send(f'{{"type": "auth", "token": "{token}"}}')
        else:
            await feed.send("not even json")
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await feed.recv()
        assert feed.close_code == 4001
    await chat.close()


async def test_moderators_cannot_use_admin_routes_and_a_foreign_origin_is_refused(hubs, team):
    alice = await Moderator.sign_in(hubs[0], "alice", team["alice"])
    for method, path, body in ENDPOINTS:
        if path in ADMIN_ONLY:
            response = await alice.http.request(method, path, json=body)
            assert response.status_code == 403 and response.json()["code"] == "forbidden"
    foreign = await alice.http.get("/api/mod/items", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and foreign.json()["code"] == "bad_origin"
    same = await alice.http.get("/api/mod/items", headers={"Origin": hubs[0].http_url})
    assert same.status_code == 200
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(hubs[0].ws_url.replace("/ws", "/mod/ws"), origin="https://evil.example")
    feed = await Feed.open(hubs[0], alice.token)
    snapshot = await feed.next()
    assert snapshot["type"] == "snapshot" and snapshot["moderator"]["name"] == "alice"
    await feed.close()
    await alice.close()


async def test_wrong_secrets_are_rate_limited(hubs):
    async with httpx.AsyncClient(base_url=hubs[0].http_url) as http:
        codes = [
            (await http.post("/api/mod/signin", json={"name": "nobody-here", "secret": "guess"})).status_code
            for _ in range(7)
        ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]

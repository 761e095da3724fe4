"""HTTP endpoints, the embedded default backend, and what a hub never writes to its log."""

from __future__ import annotations

import re

import httpx

from tests.support.client import connected
from tests.support.hubs import HubProcess


async def test_room_list_counts_members_on_every_hub(hubs, room):
    first, second = hubs
    clients = [await connected(first.ws_url, room), await connected(second.ws_url, room),
               await connected(second.ws_url, room)]
    await clients[0].expect("presence", count=3)
    async with httpx.AsyncClient() as http:
        for hub in hubs:
            listing = (await http.get(hub.http_url + "/api/rooms")).json()
            by_name = {entry["name"]: entry for entry in listing["rooms"]}
            assert by_name[room]["members"] == 3
            assert by_name[room]["title"] and by_name[room]["guidelines"] == "Be kind."
    await clients[2].close()
    await clients[0].expect("presence", count=2)
    for client in clients[:2]:
        await client.close()


async def test_health_and_readiness(hubs):
    async with httpx.AsyncClient() as http:
        assert (await http.get(hubs[0].http_url + "/healthz")).json() == {"status": "ok"}
        assert (await http.get(hubs[0].http_url + "/readyz")).status_code == 200


async def test_without_redis_url_the_embedded_backend_serves_a_whole_chat(tmp_path):
    hub = HubProcess({"PEERCHAT_LOG_LEVEL": "info"}, unset=("REDIS_URL", "PEERCHAT_REDIS_URL", "PEERCHAT_ROOMS_FILE"))
    hub.start()
    try:
        assert "on memory" in hub.log
        alice = await connected(hub.ws_url, "grief")
        bob = await connected(hub.ws_url, "grief")
        await alice.send("grief", "thinking of my dad today")
        assert (await bob.expect("message", room="grief"))["text"] == "thinking of my dad today"
        late = await connected(hub.ws_url, "grief")
        assert [m["text"] for m in (await late.join("anxiety"))["history"]] == []
        async with httpx.AsyncClient() as http:
            rooms = (await http.get(hub.http_url + "/api/rooms")).json()["rooms"]
            assert {r["name"]: r["members"] for r in rooms}["grief"] == 3
            assert (await http.get(hub.http_url + "/readyz")).status_code == 200
        for client in (alice, bob, late):
            await client.close()
    finally:
        hub.stop()


async def test_the_log_never_holds_message_text_tokens_or_client_addresses(start_hub, room):
    hub = start_hub(PEERCHAT_LOG_LEVEL="debug")
    secret_text = "my-private-words-" + room
    alice = await connected(hub.ws_url, room)
    bob = await connected(hub.ws_url, room)
    await alice.send(room, secret_text)
    await bob.expect("message", room=room)
    await alice.send_frame("garbage that is not json " + secret_text)
    await alice.error("bad_json")
    local_port = alice.ws.local_address[1]
    async with httpx.AsyncClient() as http:
        await http.get(hub.http_url + "/api/rooms")
    await alice.close()
    await bob.close()
    hub.stop()
    log = hub.log
    assert "connection open" in log  # the log was captured at all
    assert secret_text not in log
    assert alice.resume_token not in log and bob.resume_token not in log
    assert f":{local_port}" not in log
    addresses = [line for line in log.splitlines() if re.search(r"127\.0\.0\.1", line)]
    assert all("Uvicorn running on" in line for line in addresses), addresses


async def test_pages_are_served_with_security_headers(hubs):
    async with httpx.AsyncClient(base_url=hubs[0].http_url) as http:
        for path in ("/", "/mod", "/static/chat.js"):
            for method in ("GET", "HEAD"):
                response = await http.request(method, path)
                assert response.status_code == 200, (method, path)
                policy = response.headers["content-security-policy"]
                assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
                assert "unsafe-inline" not in policy
                assert response.headers["x-content-type-options"] == "nosniff"
                assert response.headers["referrer-policy"] == "no-referrer"

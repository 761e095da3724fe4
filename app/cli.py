"""The `peerchat` command: `serve` runs a hub; `moderators` manages moderator accounts; `moderation`
checks and scores the moderation pipeline."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = argparse.ArgumentParser(prog="peerchat", description="Anonymous peer-support chat server.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run a hub process")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, PEERCHAT_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000, PEERCHAT_PORT)")
    serve.add_argument("--redis-url", help="memory:// (default) or redis://host:port/db (REDIS_URL)")
    serve.add_argument("--rooms-file", type=Path, help="room catalog TOML (PEERCHAT_ROOMS_FILE)")

    moderators = commands.add_parser("moderators", help="manage moderator accounts (in the Redis at REDIS_URL)")
    moderator_commands = moderators.add_subparsers(dest="action", required=True)
    add = moderator_commands.add_parser("add", help="create a moderator and print their one-time secret")
    add.add_argument("name")
    add.add_argument("--role", choices=["moderator", "admin"], default="moderator")
    moderator_commands.add_parser("list", help="list moderators")
    disable = moderator_commands.add_parser("disable", help="disable a moderator and revoke their sign-ins")
    disable.add_argument("name")

    moderation = commands.add_parser("moderation", help="run the moderation pipeline on text")
    moderation_commands = moderation.add_subparsers(dest="action", required=True)
    check = moderation_commands.add_parser("check", help="JSON lines in on stdin, one verdict per line out")
    check.add_argument("--room", help="judge with this room's policy (default: per line, else defaults)")
    check.add_argument("--rooms-file", type=Path, help="room catalog TOML (PEERCHAT_ROOMS_FILE)")
    evaluate = moderation_commands.add_parser("eval", help="score the pipeline on a labeled JSON-lines file")
    evaluate.add_argument("file", type=Path)

    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "moderators":
        return asyncio.run(_moderators(args))
    return _moderation(args)


def _settings(**overrides: object):  # type: ignore[no-untyped-def]
    from app.settings import Settings

    return Settings(**{name: value for name, value in overrides.items() if value is not None})


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app
    from app.privacy import logging_config

    settings = _settings(host=args.host, port=args.port, redis_url=args.redis_url, rooms_file=args.rooms_file)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        ws="websockets-sansio",
        ws_max_size=settings.max_frame_bytes,
        # Compression would cost a deflate per member per message (the same bytes can no longer be
        # written to everyone) and mixes secrets with attacker-chosen text in one compressed stream.
        ws_per_message_deflate=False,
        access_log=False,
        log_config=logging_config(settings.log_level),
        proxy_headers=False,
        server_header=False,
    )
    return 0


async def _moderators(args: argparse.Namespace) -> int:
    from app.moderators import ModeratorService
    from app.services import make_backend
    from app.stores import make_stores
    from moderation.accounts import Role

    settings = _settings()
    if settings.redis_url.startswith("memory"):
        print(
            "With the embedded backend, moderators live inside the running server: use the admin secret it "
            "printed at startup, and add moderators from the console. Set REDIS_URL to manage them here.",
            file=sys.stderr,
        )
        return 2
    backend = make_backend(settings)
    try:
        service = ModeratorService(make_stores(backend, settings.key_prefix).moderators, 0)
        if args.action == "add":
            try:
                secret = await service.add(args.name, Role(args.role))
            except ValueError as invalid:
                print(f"peerchat: {invalid}", file=sys.stderr)
                return 2
            if secret is None:
                print(f"peerchat: a moderator called {args.name!r} exists already", file=sys.stderr)
                return 1
            print(f"created {args.role} {args.name!r}; one-time sign-in secret (shown only now): {secret}")
        elif args.action == "list":
            for moderator in await service.store.all():
                state = "disabled" if moderator.disabled else "active"
                print(f"{moderator.name}\t{moderator.role.value}\t{state}")
        elif not await service.store.set_disabled(args.name, True):
            print(f"peerchat: no moderator called {args.name!r}", file=sys.stderr)
            return 1
        else:
            print(f"disabled {args.name!r} and revoked their sign-ins")
        return 0
    finally:
        await backend.close()


def _moderation(args: argparse.Namespace) -> int:
    from moderation.cli import run_check, run_eval
    from moderation.config import ModerationConfig
    from moderation.pipeline import Pipeline
    from moderation.verdict import RoomPolicy
    from rooms.catalog import load_catalog

    pipeline = Pipeline(ModerationConfig())
    if args.action == "eval":
        return run_eval(args.file, sys.stdout, pipeline)
    settings = _settings(rooms_file=args.rooms_file)
    catalog = load_catalog(settings.rooms_file, settings.max_text_chars)

    def policy_for_room(room: str | None) -> RoomPolicy:
        found = catalog.get(args.room or room or "")
        return RoomPolicy.from_mapping(found.moderation) if found is not None else RoomPolicy()

    return run_check(sys.stdin, sys.stdout, pipeline, policy_for_room)


if __name__ == "__main__":
    sys.exit(main())

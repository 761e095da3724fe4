"""The `peerchat` command: `serve` runs a hub; `moderation` checks and scores the moderation pipeline."""

from __future__ import annotations

import argparse
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

    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return 2


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app
    from app.privacy import logging_config
    from app.settings import Settings

    overrides = {
        name: value
        for name, value in (
            ("host", args.host),
            ("port", args.port),
            ("redis_url", args.redis_url),
            ("rooms_file", args.rooms_file),
        )
        if value is not None
    }
    settings = Settings(**overrides)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        ws="websockets",
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


if __name__ == "__main__":
    sys.exit(main())

"""Finding a real Redis for the tests, or starting a throwaway redis-server on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from typing import IO

import redis


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(url: str) -> bool:
    """True when a Redis answers PING at `url`."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


@dataclass
class RedisServer:
    """A redis-server process this test run started and owns (stopped by its PID)."""

    port: int
    appendonly: bool = False
    directory: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="peerchat-redis-"))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it says it accepts connections (its own log line)."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", self.directory,
                "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "always",
                "--logfile", "", "--loglevel", "notice"]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()

        def watch(stream: IO[str]) -> None:
            for line in stream:
                if "Ready to accept connections" in line:
                    ready.set()
            ready.set()  # the process ended: let start() see it at once

        threading.Thread(target=watch, args=(self.process.stdout,), daemon=True).start()
        if not ready.wait(timeout) or self.process.poll() is not None or not reachable(self.url):
            raise RuntimeError(f"redis-server on port {self.port} did not start")

    def kill(self) -> None:
        """Kill the server at once (no shutdown save), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server if it runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def find_or_start_redis() -> tuple[str, RedisServer | None]:
    """REDIS_URL if set, else 127.0.0.1:6379, else a throwaway redis-server; explains what is missing."""
    configured = os.environ.get("REDIS_URL", "")
    if configured.startswith(("redis://", "rediss://", "unix://")):
        if not reachable(configured):
            raise RuntimeError(f"REDIS_URL={configured} does not answer PING")
        return configured, None
    default = "redis://127.0.0.1:6379/0"
    if reachable(default):
        return default, None
    if shutil.which("redis-server") is None:
        raise RuntimeError(
            "The tests need a real Redis: set REDIS_URL, run redis-server on 127.0.0.1:6379, "
            "or install redis-server (e.g. apt-get install redis-server) so the tests can start one."
        )
    server = RedisServer(free_port())
    server.start()
    return server.url, server

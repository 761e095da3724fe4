"""Real hub processes (`python -m app.cli serve`) started by the tests, each on its own port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class HubProcess:
    """One uvicorn hub process; its log is collected so tests can check what it wrote."""

    env: dict[str, str]
    unset: tuple[str, ...] = ()  # variables removed from the inherited environment
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    log_lines: list[str] = field(default_factory=list)
    _ready: threading.Event = field(default_factory=threading.Event)

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "HubProcess":
        """Start the process and wait until uvicorn says it is listening."""
        env = {**os.environ, **self.env, "PEERCHAT_PORT": str(self.port), "PYTHONUNBUFFERED": "1"}
        for name in self.unset:
            env.pop(name, None)
        self._ready.clear()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._collect, args=(self.process,), daemon=True).start()
        if not self._ready.wait(timeout) or self.process.poll() is not None:
            self.stop()
            raise RuntimeError("hub did not start:\n" + "".join(self.log_lines[-30:]))
        return self

    def _collect(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.log_lines.append(line)
            if "Uvicorn running on" in line:
                self._ready.set()
        self._ready.set()

    def kill(self) -> None:
        """SIGKILL the process, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process gracefully (SIGTERM), killing it if it does not end."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def log(self) -> str:
        return "".join(self.log_lines)

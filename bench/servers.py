"""The processes a benchmark run starts: a throwaway Redis, and each target's two hub processes.

Everything is started by this module, pinned with `taskset`, measured through /proc by its PID, and
stopped by its PID. Nothing that this run did not start is touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PEERS = BENCH / "peers"
PEERS_VENV = BENCH / ".venv-peers"
PEERS_PYTHON = PEERS_VENV / "bin" / "python"
NODE_DIR = BENCH / "node"
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (from /proc/stat), to see load this run did not cause."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of a process now."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Return once something accepts TCP connections on `port`; fail if `process` exits first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listened on port {port} within {timeout:.0f} s")
        time.sleep(0.05)


@dataclass
class Process:
    """A process this run started; its output goes to a log file kept for failures."""

    argv: list[str]
    port: int | None = None
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    cpus: str | None = None
    popen: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 30.0) -> "Process":
        argv = list(self.argv)
        if self.cpus is not None and shutil.which("taskset"):
            argv = ["taskset", "-c", self.cpus, *argv]
        handle, name = tempfile.mkstemp(prefix="peerchat-bench-", suffix=".log")
        self.log_path = Path(name)
        self.popen = subprocess.Popen(
            argv, cwd=self.cwd, env={**os.environ, **self.env}, stdout=handle, stderr=subprocess.STDOUT
        )
        os.close(handle)
        if self.port is not None:
            try:
                wait_for_port(self.port, self.popen, timeout)
            except RuntimeError as error:
                tail = self.log_tail()
                self.stop()
                raise RuntimeError(f"{' '.join(self.argv)}: {error}\n{tail}") from None
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; by PID only."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        if self.log_path is not None and not os.environ.get("BENCH_KEEP_LOGS"):
            self.log_path.unlink(missing_ok=True)


def start_redis(cpus: str | None) -> Process:
    """A throwaway redis-server on a free port: no persistence, stopped at the end of the run."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    directory = tempfile.mkdtemp(prefix="peerchat-bench-redis-")
    process = Process(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", directory, "--maxclients", "20000"],
        port=port,
        cpus=cpus,
    )
    return process.start()


# -- targets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A server under test: how to start one hub process of it, and which client dialect it speaks."""

    name: str
    label: str
    dialect: str

    def available(self) -> str | None:
        """None when it can run here, else why not."""
        if self.name == "peerchat":
            return None
        if self.name == "socketio":
            if shutil.which("node") is None:
                return "node is not installed"
            if not (NODE_DIR / "node_modules" / "socket.io").exists():
                return "bench/node/node_modules is missing (npm ci failed?)"
            return None
        return None if PEERS_PYTHON.exists() else "bench/.venv-peers is missing"

    def process(
        self, port: int, redis_url: str, prefix: str, rooms_file: Path, extra: dict[str, str], source: Path = ROOT
    ) -> Process:
        """One hub process listening on 127.0.0.1:`port`; peerchat runs from `source` (a tree with app/)."""
        uvicorn = ["-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                   "--no-access-log", "--ws", "websockets", "--ws-per-message-deflate", "false"]
        if self.name == "peerchat":
            env = {
                "REDIS_URL": redis_url,
                "PEERCHAT_KEY_PREFIX": prefix,
                "PEERCHAT_ROOMS_FILE": str(rooms_file),
                "PEERCHAT_RATE_BURST": "1000000",
                "PEERCHAT_RATE_PER_SECOND": "1000000",
                "PEERCHAT_LOG_LEVEL": "warning",
                **extra,
            }
            # `-m` puts the working directory first on sys.path, ahead of the editable install's finder.
            return Process(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(port)], port=port, env=env, cwd=source
            )
        if self.name == "socketio":
            env = {"PORT": str(port), "REDIS_URL": redis_url, "NODE_PATH": str(NODE_DIR / "node_modules")}
            return Process(["node", str(PEERS / "socketio_node.js")], port=port, env=env)
        modules = {"python-socketio": "socketio_py:app", "channels": "channels_peer.asgi:application",
                   "broadcaster": "broadcaster_peer:app"}
        env = {"REDIS_URL": redis_url, "PYTHONPATH": str(PEERS)}
        return Process([str(PEERS_PYTHON), *uvicorn, modules[self.name]], port=port, env=env, cwd=PEERS)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("peerchat", "peerchat (FastAPI/uvicorn)", "peerchat"),
        Target("socketio", "Node socket.io + redis-adapter", "socketio"),
        Target("python-socketio", "python-socketio + AsyncRedisManager", "socketio"),
        Target("channels", "Django Channels + channels_redis", "json"),
        Target("broadcaster", "broadcaster + Starlette", "json"),
    )
}


@dataclass
class Hubs:
    """A target's hub processes for one scenario (started together, stopped together)."""

    target: Target
    processes: list[Process]

    @property
    def ports(self) -> list[int]:
        return [p.port for p in self.processes if p.port is not None]

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


def start_hubs(
    target: Target, count: int, redis_url: str, prefix: str, rooms_file: Path, cpus: str | None,
    extra: dict[str, str] | None = None, source: Path = ROOT,
) -> Hubs:
    """Start `count` hub processes of `target`, all pinned to `cpus`."""
    processes: list[Process] = []
    try:
        for _ in range(count):
            process = target.process(free_port(), redis_url, prefix, rooms_file, extra or {}, source)
            process.cpus = cpus
            processes.append(process.start())
    except BaseException:
        for process in processes:
            process.stop()
        raise
    return Hubs(target, processes)


def export_tree(ref: str, directory: Path) -> Path:
    """peerchat's packages as committed at `ref`, exported (read-only for the repository) into `directory`,
    built the way an install builds them (the moderation pipeline compiled, where that ref compiles it)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = ["app", "rooms", "moderation", "pyproject.toml", "README.md"]
    listed = subprocess.run(["git", "ls-tree", "--name-only", ref, "setup.py"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    archive = subprocess.run(["git", "archive", ref, *files, *listed], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    if listed:
        _build_in_place(directory)
    return directory


def _build_in_place(directory: Path) -> None:
    """Build the tree's wheel (as pip would install it) and put its compiled files next to the sources."""
    wheels = directory / ".wheel"
    print(f"building {directory.name} (compiles the moderation pipeline) ...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels),
                    str(directory)], check=True, capture_output=True)
    for wheel in wheels.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.endswith((".so", ".pyd", "_compiled.json")):
                    archive.extract(name, directory)
    shutil.rmtree(wheels)


def write_rooms_file(directory: Path, rooms: list[str], max_text_chars: int | None = None) -> Path:
    """A peerchat room catalog holding the bench rooms."""
    lines = []
    for room in rooms:
        lines.append(f'[[rooms]]\nname = "{room}"\ntitle = "{room.title()}"\nmax_members = 100000\n')
        if max_text_chars is not None:
            lines.append(f"max_text_chars = {max_text_chars}\n")
    path = directory / "rooms.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

"""What can be checked of the deployment files without a Docker engine."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_two_hubs_on_one_redis_behind_a_balancer():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    hubs = [name for name, service in services.items() if service.get("build") == "."]
    assert len(hubs) == 2
    for name in hubs:
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert "redis" in services[name]["depends_on"]
    assert services["redis"]["image"].startswith("redis:7")
    upstreams = re.findall(r"server (\S+):8000", (ROOT / "deploy/nginx.conf").read_text())
    assert sorted(upstreams) == sorted(hubs)
    mounted = services["lb"]["volumes"][0].split(":")[0]
    assert (ROOT / mounted).is_file()


def test_dockerfile_copies_every_package_and_serves():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("app", "rooms", "moderation"):
        assert f"COPY {package} ./{package}" in dockerfile
    assert 'CMD ["peerchat", "serve"]' in dockerfile


def test_nginx_config_is_valid_when_nginx_is_installed(tmp_path):
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed; the structure test above still checks the file")
    config = (ROOT / "deploy/nginx.conf").read_text().replace("hub-1:8000", "127.0.0.1:1").replace("hub-2:8000", "127.0.0.1:2")
    path = tmp_path / "nginx.conf"
    path.write_text(config)
    result = subprocess.run([nginx, "-t", "-c", str(path), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_console_script_checks_moderation_one_line_out_per_line_in():
    import json
    import sys

    script = Path(sys.executable).parent / "peerchat"
    lines = [
        {"text": "call me on +1 415 555 0133"},
        "not json at all",
        {"text": "this exam is killing me", "room": "grief"},
        {"text": "I want to kill myself", "locale": "es"},
    ]
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    result = subprocess.run([str(script), "moderation", "check"], input=stdin, capture_output=True, text=True,
                            timeout=120)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["action"] == "redact" and "pii" in out[0]["categories"] and "555" not in out[0]["text"]
    assert "error" in out[1]
    assert out[2]["action"] == "allow"
    assert out[3]["action"] == "escalate" and out[3]["categories"] == ["self_harm"]

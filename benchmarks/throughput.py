"""Throughput under gunicorn (2 sync workers) on loopback, driven by wrk, against a
hello-world Flask app served the same way in the same run."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk_report.lua"
WORKERS = 2
CONNECTIONS = 50
SECONDS = 30
TARGET_SHARE = 0.15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_wrk() -> str:
    """wrk from Debian (installed with apt when we are root and it is missing)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk not found: install it (Debian: apt-get install wrk)")
    return found


def _get(url: str, cookie: str | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


class Server:
    """gunicorn serving `target` on a free loopback port, for the `with` block."""

    def __init__(self, target: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.args = [
            gunicorn,
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            target,
        ]
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {' '.join(self.args)}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def run_wrk(url: str, cookie: str | None, seconds: int = SECONDS) -> dict[str, Any]:
    args = [
        ensure_wrk(),
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
    ]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = data["duration_us"] / 1e6
    errors = sum(v for k, v in data.items() if k.startswith("errors_"))
    return {
        "requests": data["requests"],
        "req_per_s": round(data["requests"] / seconds_run, 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "errors": errors,
        "error_detail": {
            k.removeprefix("errors_"): v for k, v in data.items() if k.startswith("errors_") and v
        },
    }


def measure(
    database_url: str, secret: str, path: str, cookie: str, expect: bytes, seconds: int = SECONDS
) -> dict[str, Any]:
    """hello-world and the signed-in page, each for `seconds` with 50 connections."""
    with Server("benchmarks.hello:app", {}) as hello:
        hello_result = run_wrk(hello.url + "/", None, seconds)
    env = {"HUBS_DATABASE_URL": database_url, "SECRET_KEY": secret, "HUBS_CONFIG": "development"}
    with Server("wsgi:app", env) as app:
        status, body = _get(app.url + path, cookie)
        if status != 200 or expect not in body:
            raise RuntimeError(f"{path} answered {status} before the run: not signed in?")
        page_result = run_wrk(app.url + path, cookie, seconds)
        status_after, body_after = _get(app.url + path, cookie)
    page_result["still_signed_in_after"] = status_after == 200 and expect in body_after
    share = page_result["req_per_s"] / hello_result["req_per_s"]
    return {
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": seconds,
        "path": path,
        "hello_world": hello_result,
        "page": page_result,
        "share_of_hello": round(share, 3),
        "target_share": TARGET_SHARE,
        "met": share >= TARGET_SHARE
        and page_result["errors"] == 0
        and page_result["still_signed_in_after"],
    }

"""Where the figures came from: cores, memory, CPU, Python, database and tool versions."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import sqlalchemy as sa


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(*args: str) -> str | None:
    if not shutil.which(args[0]):
        return None
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    return (
        (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else None
    )


def describe(engine: sa.Engine) -> dict[str, Any]:
    import gunicorn
    import sqlalchemy

    with engine.connect() as conn:
        server = (
            conn.exec_driver_sql("SELECT version()").scalar()
            if engine.dialect.name == "postgresql"
            else f"SQLite {sqlite3.sqlite_version}"
        )
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "database": engine.dialect.name,
        "database_version": server,
        "sqlalchemy": sqlalchemy.__version__,
        "gunicorn": gunicorn.__version__,
        "wrk": _version("wrk", "--version"),
        "os": platform.platform(),
    }

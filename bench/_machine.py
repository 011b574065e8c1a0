"""Machine facts for the benchmark tables: CPU count, CPU model, date."""

from __future__ import annotations

import os
import platform
from datetime import date
from pathlib import Path


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_line() -> str:
    """One Markdown line: nproc, CPU model, Python version, date."""
    return (
        f"Machine: nproc={os.cpu_count()}, CPU {cpu_model()}, "
        f"Python {platform.python_version()}, date {date.today().isoformat()}"
    )


def publish(table: str, out: Path) -> None:
    """Print a benchmark's Markdown table and save it where run_all.py collects it."""
    print(table)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table, encoding="utf-8")

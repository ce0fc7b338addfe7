"""The line each results file opens with: the machine its figures were measured on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine_line() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}."

"""The ``lagrangian`` command as a subprocess, for the command-line tests of every file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from waiting import SAFETY_S

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lagrangian.server.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=SAFETY_S,
    )

"""What scripts/run.sh and scripts/setup.sh install, run against a recording fake venv.

The main job (generate, check) runs on the exact engine and must not install torch: on a
machine whose pip reaches only the public index, a plain torch requirement is a multi-GB
CUDA download.  The fake venv's ``python`` and ``lagrangian`` only write their arguments to
a log, so the scripts run in a moment and without a network.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from waiting import SAFETY_S

ROOT = Path(__file__).resolve().parents[2]
RECORDER = '#!/bin/sh\necho "$(basename "$0") $*" >> "$SCRIPT_LOG"\n'


def run_script(tmp_path: Path, *args: str) -> list[str]:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "lagrangian"):
        tool = venv / "bin" / name
        tool.write_text(RECORDER)
        tool.chmod(0o755)
    log = tmp_path / "calls.log"
    env = {**os.environ, "VENV": str(venv), "SCRIPT_LOG": str(log)}
    env.pop("TORCH_INDEX_URL", None)
    result = subprocess.run(
        ["bash", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=SAFETY_S
    )
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines()


def test_the_main_job_installs_the_core_without_torch(tmp_path: Path) -> None:
    calls = run_script(tmp_path, "scripts/run.sh")
    installs = [c for c in calls if c.startswith("python -m pip install")]
    assert installs[-1] == "python -m pip install -q -e ."
    assert not any("torch" in c or "[" in c for c in installs)
    assert "lagrangian generate examples/standard_model.lag" in calls
    assert "lagrangian check examples/standard_model.lag" in calls


@pytest.mark.parametrize("args", [("scripts/setup.sh",), ("scripts/setup.sh", "all")])
def test_the_full_setup_installs_the_cpu_torch_first(tmp_path: Path, args: tuple[str]) -> None:
    installs = [c for c in run_script(tmp_path, *args) if c.startswith("python -m pip install")]
    assert installs[1:] == [
        "python -m pip install -q torch==2.13.0",
        "python -m pip install -q -e .[dev,ray]",
    ]


def test_test_sh_uses_the_full_setup() -> None:
    lines = (ROOT / "scripts" / "test.sh").read_text().splitlines()
    assert "bash scripts/setup.sh" in lines

"""The editor documentation against the code: defaults as the server has them, and the
Neovim configuration for 0.7 to 0.10 run in a real Neovim when one is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from waiting import SAFETY_S

from lagrangian.server.lsp.settings import Settings, as_json

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = as_json(Settings())
PROBE = Path(__file__).with_name("nvim_probe.lua")


def read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["completionSource", "device", "modelServerUrl"])
def test_every_editor_example_spells_the_servers_defaults(key: str) -> None:
    # Lua and TOML `key = "v"`, elisp `:key "v"`, JSON `"key": "v"` and `"lagrangian.key": "v"`.
    pattern = re.compile(rf'(?:\b{key}\s*=\s*|:{key}\s+|[".]{key}"\s*:\s*)"([^"]*)"')
    values = pattern.findall(read("docs/editors.md"))
    assert len(values) >= 7, values  # Neovim (two), Helix, Emacs (two), Sublime (two)
    assert set(values) == {DEFAULTS[key]}


def test_the_vscode_readme_and_the_playground_page_state_the_default_source() -> None:
    row = re.search(
        r"`lagrangian\.completionSource` \| `\"(\w+)\"`", read("vscode-client/README.md")
    )
    assert row and row.group(1) == DEFAULTS["completionSource"]
    stated = re.findall(r'`completionSource: "(\w+)"`', read("docs/playground.md"))
    assert stated == [DEFAULTS["completionSource"]]


def neovim_07_config() -> str:
    section = read("docs/editors.md").split("### Neovim 0.7 to 0.10", 1)[1]
    return section.split("```lua\n", 1)[1].split("\n```", 1)[0]


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed")
def test_the_neovim_07_config_attaches_checks_and_completes(tmp_path: Path) -> None:
    (tmp_path / "init.lua").write_text(neovim_07_config())
    (tmp_path / "h.lag").write_text("scalar H (1,2,1/2)\nL = - m2 H^dagger H H\n")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SAFETY_MS": str(int(SAFETY_S * 1000)),
    }
    result = subprocess.run(
        ["nvim", "--headless", "-u", "init.lua", "h.lag", "-c", f"luafile {PROBE}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=SAFETY_S * 2,
    )
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert "DIAGNOSTIC hypercharge" in lines, lines
    assert any(line.startswith("ITEMS ") and line != "ITEMS 0" for line in lines), lines
    assert "COMMAND true" in lines, lines

"""The wheel ships every file of the package folders, data folders included, with no warning.

The shipped checkpoint (``model/default``) and the playground's page, script and fonts
(``server/playground/static``) are folders without Python files; setuptools ships them only
when ``packages`` lists them, and otherwise warns and leaves them out of a future wheel.  The
build runs on a copy of the sources (an in-tree build leaves a ``build/`` folder whose stale
files a later wheel would pick up) without build isolation (no network).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[2]


def _package_dirs() -> dict[str, str]:
    """Package -> source folder, from pyproject.toml (``lagrangian.model`` -> ``model``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["setuptools"]["package-dir"]


def _shipped_sources() -> dict[str, Path]:
    """Path inside the wheel -> source file, for every file of the package folders."""
    out: dict[str, Path] = {}
    for package, folder in _package_dirs().items():
        base = package.replace(".", "/")
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                out[f"{base}/{path.relative_to(ROOT / folder).as_posix()}"] = path
    return out


@pytest.mark.slow
def test_wheel_holds_every_package_file_and_builds_without_warning(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in set(_package_dirs().values()):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    out = tmp_path / "wheel"
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps"]
    command += ["--no-build-isolation", "--no-index", "-w", str(out), "-v"]
    built = subprocess.run(command, capture_output=True, text=True, check=False)
    log = built.stdout + built.stderr
    assert built.returncode == 0, log
    assert "Warning" not in log, log  # BuildBackendWarning, SetuptoolsDeprecationWarning
    (wheel,) = out.glob("lagrangian-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _shipped_sources()
    assert "lagrangian/model/default/model.safetensors" in expected  # the folders are read
    assert "lagrangian/server/playground/static/fonts/KaTeX_Main-Regular.woff2" in expected
    assert sorted(set(expected) - names) == []
    with zipfile.ZipFile(wheel) as archive:
        checkpoint = archive.read("lagrangian/model/default/model.safetensors")
    assert checkpoint == expected["lagrangian/model/default/model.safetensors"].read_bytes()

"""The ``lagrangian`` command-line contract, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import run
from waiting import SAFETY_S

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def test_generate_json_contract():
    result = run(
        "generate",
        "--fields",
        "scalar H (1,2,1/2); fermion L (1,2,-1/2) left; scalar S (1,1,0) real",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"fields", "terms", "parameters"}
    assert [f["name"] for f in payload["fields"]] == ["H", "L", "S"]
    kinds = {
        "kinetic", "gauge_kinetic", "linear", "scalar_mass",
        "trilinear", "quartic", "fermion_mass", "yukawa",
    }  # fmt: skip
    for term in payload["terms"]:
        assert set(term) == {
            "kind", "fields", "hc", "text", "latex", "tokens", "source", "couplings", "flavour",
        }  # fmt: skip
        assert term["couplings"] == 1 and term["flavour"] == {}
        assert term["kind"] in kinds
        assert term["source"] == "engine"
        assert all(set(f) == {"name", "conjugate"} for f in term["fields"])
    linear = [t for t in payload["terms"] if t["kind"] == "linear"]
    assert len(linear) == 1 and linear[0]["fields"] == [{"name": "S", "conjugate": False}]
    assert not linear[0]["hc"]
    gauge = [t for t in payload["terms"] if t["kind"] == "gauge_kinetic"]
    assert gauge and all(t["fields"] == [] for t in gauge)


def test_generate_standard_model_text_is_a_checkable_document(tmp_path):
    result = run("generate", str(EXAMPLES / "standard_model.lag"))
    assert result.returncode == 0, result.stderr
    assert "+ h.c." in result.stdout
    out = tmp_path / "sm.lag"
    out.write_text(result.stdout)
    check = run("check", str(out), "--format", "json")
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout) == {"diagnostics": []}


@pytest.mark.parametrize("fmt", ["latex", "tokens"])
def test_generate_other_formats(fmt):
    result = run("generate", "--fields", "scalar H (1,2,1/2)", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "latex":
        assert "\\mathcal{L}" in result.stdout and "H^{\\dagger}" in result.stdout
    else:
        assert result.stdout.startswith("[SOS] FIELD SPIN 0 SU2 2 U1 1 / 2 [EOS]")


def test_check_json_and_exit_status():
    bad = EXAMPLES / "errors" / "zee_babu_h_L_L.lag"
    result = run("check", str(bad), "--format", "json")
    assert result.returncode == 1
    diagnostics = json.loads(result.stdout)["diagnostics"]
    codes = {d["code"] for d in diagnostics}
    assert {"vanishes-by-symmetry", "hypercharge", "lorentz", "unknown-field"} <= codes
    assert {"nonrenormalizable", "duplicate-term"} <= codes
    first = next(d for d in diagnostics if d["code"] != "anomaly")  # L alone is anomalous
    assert set(first) == {
        "line", "column", "end_line", "end_column", "severity", "code", "message",
    }  # fmt: skip
    assert first["line"] == 9 and first["code"] == "vanishes-by-symmetry"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.lag")) + sorted(EXAMPLES.glob("*.tex")))
def test_examples_are_clean(example):
    result = run("check", str(example))
    assert result.returncode == 0, result.stdout


def test_check_warnings_only_exit_zero(tmp_path):
    doc = tmp_path / "w.lag"
    doc.write_text("scalar H (1,2,1/2)\nL = - c (H^dagger H)^3\n")
    result = run("check", str(doc), "--format", "json")
    assert result.returncode == 0
    (d,) = json.loads(result.stdout)["diagnostics"]
    assert d["severity"] == "warning" and d["code"] == "nonrenormalizable"
    assert "6" in d["message"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["check", "no/such/file.lag"], "no such file"),
        (["generate", "--fields", "scalar H (7,2,1/2)"], "SU3"),
        (["generate", "--fields", "scalar H (1,2)"], "quantum numbers"),
        (["generate", "--fields", "scalar H (1,2,1/2) ; fermion"], "--fields"),
        (["generate"], "exactly one"),
        (["generate", "--bogus"], "unrecognized arguments"),
        (["check", str(EXAMPLES)], "directory"),
        (["generate", "--fields", "scalar X (1,20001,0)"], "up to dimension 20,000"),
    ],
)
def test_bad_input_is_one_line_exit_two(args, fragment):
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in lines[0]


def test_binary_file_is_a_clean_error(tmp_path):
    blob = tmp_path / "x.lag"
    blob.write_bytes(b"\xff\xfe\x00garbage")
    result = run("check", str(blob))
    assert result.returncode == 2 and "UTF-8" in result.stderr


def test_help_and_import_do_not_load_heavy_modules():
    code = (
        "import sys, lagrangian, lagrangian.server.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'sympy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=SAFETY_S
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    "term",
    [
        " ".join(["H^dagger H"] * 8),  # sixteen fields: minutes of group theory before
        "((H^100)^100)^100",  # a million fields: 88 s and 420 MB before
    ],
)
def test_terms_too_large_to_check_get_the_editors_warning_at_once(tmp_path, term):
    doc = tmp_path / "large.lag"
    doc.write_text(f"scalar H (1,2,1/2)\nL = - c {term}\n")
    result = run("check", str(doc), "--format", "json")
    assert result.returncode == 0, result.stderr
    (d,) = json.loads(result.stdout)["diagnostics"]
    assert d["code"] == "nonrenormalizable" and "too large to check further" in d["message"]


def test_a_document_over_the_size_limit_is_refused_before_reading(tmp_path):
    from lagrangian.server.cli.sources import MAX_DOCUMENT_BYTES

    doc = tmp_path / "huge.lag"
    doc.write_text("scalar H (1,2,1/2)\n" + "# padding\n" * (MAX_DOCUMENT_BYTES // 10))
    for command in ("check", "generate"):
        result = run(command, str(doc))
        assert result.returncode == 2
        (line,) = result.stderr.strip().splitlines()
        assert "MB limit for one document" in line


def test_an_irrep_beyond_counting_is_a_declaration_error(tmp_path):
    doc = tmp_path / "big.lag"
    doc.write_text("scalar X (1,20001,0)\nL = - m X^dagger X\n")
    result = run("check", str(doc), "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    codes = [d["code"] for d in json.loads(result.stdout)["diagnostics"]]
    assert codes[0] == "bad-representation"


def test_input_the_engine_refuses_is_one_line_exit_two(monkeypatch, capsys):
    from lagrangian.physics import api
    from lagrangian.server.cli import main

    def refuse(model):
        raise ValueError("maximum supported dimension for an ndarray is currently 64")

    monkeypatch.setattr(api, "engine_terms", refuse)
    assert main(["generate", "--fields", "scalar X (1,201,0)"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("lagrangian generate: error: input beyond the engine")


# Runs the main job's paths with torch and transformers made unimportable, recording every
# attempt to import them (an attempt caught by an ``except ImportError`` counts too).
NO_TORCH = """
import importlib.abc, sys
attempts = []

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("torch", "transformers"):
            attempts.append(name)
            raise ImportError(name + " is not installed here")

sys.meta_path.insert(0, Block())
from lagrangian.server.cli import main

assert main(["check", "examples/standard_model.lag"]) == 0
assert main(["check", "examples/type2_seesaw.lag"]) == 0
assert main(["generate", "--fields", "scalar H (1,2,1/2); fermion L (1,2,-1/2) left"]) == 0
from lagrangian.server.lsp.documents import build_snapshot
from lagrangian.server.lsp.features import create_server
from lagrangian.server.lsp.providers import ExactProvider
from lagrangian.server.lsp.tasks import Cancellation

create_server()
text = open("examples/type2_seesaw.lag", encoding="utf-8").read()
snapshot = build_snapshot("file:///seesaw.lag", 1, text, "lag")
ExactProvider().propose(snapshot, Cancellation())
loaded = [m for m in ("torch", "transformers") if m in sys.modules]
print("ATTEMPTS", attempts, "LOADED", loaded, file=sys.stderr)
"""


def test_check_generate_and_the_exact_language_server_never_import_torch():
    result = subprocess.run(
        [sys.executable, "-c", NO_TORCH],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=SAFETY_S,
    )
    assert result.returncode == 0, result.stderr
    assert "ATTEMPTS [] LOADED []" in result.stderr, result.stderr


PAPER = r"""% lagrangian: scalar H (1,2,1/2)
\begin{equation}
  \mathcal{L} \supset \lambda H H H
\end{equation}
\begin{equation} \langle H \rangle = v/\sqrt{2} \end{equation}
"""


def test_check_reads_paper_heads_and_notes_unread_math(tmp_path):
    """Issue 10: a gauge-violating term under \\supset was exit 0; a VEV display is noted."""
    doc = tmp_path / "paper.tex"
    doc.write_text(PAPER)
    result = run("check", str(doc), "--format", "json")
    assert result.returncode == 1
    found = {
        (d["line"], d["code"], d["severity"]) for d in json.loads(result.stdout)["diagnostics"]
    }
    assert found == {
        (3, "hypercharge", "error"),  # Y = 3/2
        (3, "gauge-noninvariant", "error"),  # no SU(2) singlet in 2 x 2 x 2
        (5, "not-checked", "information"),
    }

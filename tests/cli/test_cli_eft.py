"""``lagrangian generate --max-dimension``: the operators above dimension four.

Expected numbers from the literature (hermitian conjugates counted separately): SMEFT with
one generation has 2 operators at dimension 5 and 84 at dimension 6 (Henning, Lu, Melia,
Murayama, arXiv:1512.03433); with three lepton generations the Weinberg operator's coupling
is a symmetric 3x3 matrix, 6 complex couplings.
"""

from __future__ import annotations

import json

import pytest
from cli_process import run

SM = "examples/standard_model.lag"
LEPTONS = "scalar H (1,2,1/2); fermion L (1,2,-1/2) left x3"


def test_json_counts_classes_and_dimensions():
    result = run("generate", SM, "--max-dimension", "6", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["max_dimension"] == 6
    assert payload["operators"] == {"5": 2, "6": 84}
    by_kind = {t["kind"]: (t["dimension"], t["class"]) for t in payload["terms"]}
    assert by_kind["yukawa"] == (4, "psi2phi") and by_kind["gauge_kinetic"] == (4, "X2")
    effective = [(t["dimension"], t["class"]) for t in payload["terms"] if t["kind"] == "effective"]
    assert effective == [
        (5, "psi2phi2"),
        (6, "phi6"),
        (6, "psi2phi3"),
        (6, "psi2phi3"),
        (6, "psi2phi3"),
    ]
    classes = payload["operator_classes"]
    total = sum(c["couplings"] * (2 if c["hc"] else 1) for c in classes if c["dimension"] == 6)
    assert total == 84
    x3 = [c for c in classes if c["class"] == "X3"]
    assert {c["fields"][0]["name"] for c in x3} == {"G", "W"} and not any(c["explicit"] for c in x3)


def test_flavoured_weinberg_operator():
    result = run("generate", "--fields", LEPTONS, "--max-dimension", "5", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    (weinberg,) = [t for t in payload["terms"] if t["kind"] == "effective"]
    assert (weinberg["couplings"], weinberg["flavour"], weinberg["hc"]) == (
        6,
        {"L": "symmetric"},
        True,
    )
    assert payload["operators"] == {"5": 12}


def test_text_lists_classes_and_checks_back(tmp_path):
    result = run("generate", SM, "--max-dimension", "6")
    assert result.returncode == 0, result.stderr
    assert (
        "# operators above dimension 4 (h.c. counted separately): 2 at 5, 84 at 6" in result.stdout
    )
    assert "# dim 6 phi4D2: H^2 (H^dagger)^2 D^2: 2 operators (class only)" in result.stdout
    assert "+ c_2 (H^dagger H)^3" in result.stdout
    out = tmp_path / "smeft.lag"
    out.write_text(result.stdout)
    check = run("check", str(out), "--format", "json")
    codes = {d["code"] for d in json.loads(check.stdout)["diagnostics"]}
    assert codes == {"nonrenormalizable"}, check.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [("13", "above the supported 12"), ("3", "must be at least 4")],
)
def test_dimension_out_of_range_is_one_line(value, message):
    result = run("generate", SM, "--max-dimension", value)
    assert result.returncode == 2 and not result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_model_engine_refuses_effective_operators():
    result = run("generate", SM, "--max-dimension", "5", "--engine", "model")
    assert result.returncode == 2 and "--engine exact" in result.stderr

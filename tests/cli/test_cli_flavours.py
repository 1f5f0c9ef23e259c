"""``lagrangian generate`` with generations and symmetries: the JSON and text contract."""

from __future__ import annotations

import json

from cli_process import run

ZEE_BABU = (
    "scalar H (1,2,1/2); scalar h (1,1,1); scalar k (1,1,2); "
    "fermion L (1,2,-1/2) left x3; fermion e (1,1,-1) right x3"
)


def test_json_has_couplings_flavour_and_the_parameter_summary():
    result = run("generate", "--fields", ZEE_BABU, "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [f["flavours"] for f in payload["fields"]] == [1, 1, 1, 3, 3]
    yukawas = [(t["couplings"], t["flavour"]) for t in payload["terms"] if t["kind"] == "yukawa"]
    assert yukawas == [(3, {"L": "antisymmetric"}), (9, {}), (6, {"e^dagger": "symmetric"})]
    assert payload["parameters"]["yukawa"] == {"complex": 18, "real": 0}


def test_text_notes_symmetries_and_checks_back(tmp_path):
    # Lepton number (e is right-handed, so it carries +1) forbids only mu h h k^dagger,
    # the coupling that breaks it by two units in the Zee–Babu model.
    fields = ZEE_BABU + "; symmetry U1[L]: L 1, e 1, k -2, h -2"
    result = run("generate", "--fields", fields)
    assert result.returncode == 0, result.stderr
    assert "symmetry U1[L]: h -2, k -2, L 1, e 1" in result.stdout
    assert "# y_1: antisymmetric in a b (L); 3 complex couplings" in result.stdout
    assert "kappa" not in result.stdout and "y_3" in result.stdout
    out = tmp_path / "zb.lag"
    out.write_text(result.stdout)
    check = run("check", str(out), "--format", "json")
    codes = {d["code"] for d in json.loads(check.stdout)["diagnostics"]}
    assert codes <= {"anomaly"}, check.stdout


def test_latex_output_with_notes_checks_back(tmp_path):
    fields = "scalar H (1,2,1/2) x2; fermion N (1,1,0) left x2; symmetry Z2: N -"
    result = run("generate", "--fields", fields, "--format", "latex")
    assert result.returncode == 0, result.stderr
    note = "N^{a} N^{b} + \\mathrm{h.c.}  % M: symmetric in a b (N); 3 complex couplings"
    assert note in result.stdout
    out = tmp_path / "m.tex"
    out.write_text(result.stdout)
    check = run("check", str(out), "--format", "json")
    assert json.loads(check.stdout) == {"diagnostics": []}

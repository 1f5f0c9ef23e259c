"""``lagrangian anomalies``: the table, its JSON form and exit status, as a subprocess."""

from __future__ import annotations

import json
import subprocess

from cli_process import run as run_cli

SM = (
    "fermion Q (3,2,1/6) left x3; fermion u (3,1,2/3) right x3; fermion d (3,1,-1/3) right x3; "
    "fermion L (1,2,-1/2) left x3; fermion e (1,1,-1) right x3; scalar H (1,2,1/2)"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("anomalies", *args)


def test_standard_model_table_is_anomaly_free():
    result = run("--fields", SM)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "anomaly free"
    assert any(line.split()[:3] == ["[U1]^3", "0", "ok"] for line in lines)


def test_json_names_the_anomaly_and_exits_one(tmp_path):
    doc = tmp_path / "m.lag"
    doc.write_text(SM.replace("; fermion e (1,1,-1) right x3", "").replace("; ", "\n") + "\n")
    result = run(str(doc), "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["anomaly_free"] is False
    rows = {row["name"]: row for row in payload["anomalies"]}
    assert rows["[U1]^3"] == {
        "name": "[U1]^3",
        "value": "-3",
        "kind": "gauge",
        "cancels": False,
        "fields": ["Q", "u", "d", "L"],
    }
    assert rows["Witten SU2"]["value"] == "12" and rows["Witten SU2"]["cancels"]


def test_bad_declaration_is_one_line_exit_two():
    result = run("--fields", "fermion X (1,2,0) lef")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "column 19" in result.stderr
    assert run().returncode == 2

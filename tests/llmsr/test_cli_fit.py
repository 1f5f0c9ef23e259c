"""``lagrangian fit``: the JSON contract and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lagrangian.server.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["fit", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def table(tmp_path: Path) -> Path:
    pt = np.linspace(1, 60, 24)
    rows = "\n".join(f"{p},{p * p / (8315.18 + p * p)},0.01" for p in pt)
    path = tmp_path / "a0.csv"
    path.write_text("pT,A0,err\n" + rows + "\n")
    return path


def test_json_output_has_exactly_the_documented_keys(table: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out_file = tmp_path / "run.json"
    args = [str(table), "--target", "A0", "--inputs", "pT", "--budget", "24", "--format", "json"]
    code, out, err = run([*args, "--out", str(out_file), "--workers", "1"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"best", "candidates", "rejected", "seconds", "stopped", "failure"}
    assert result["stopped"] == "the budget was spent" and result["failure"] == ""
    best = result["best"]
    assert set(best) == {"expression", "latex", "params", "nmse_train", "nmse_test", "program"}
    assert result["candidates"] == 24 and best["nmse_train"] < 1e-3
    saved = json.loads(out_file.read_text())
    assert saved["format"] == "lagrangian-llmsr-run" and saved["candidates"] == 24


def test_text_output_for_a_benchmark(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(["--benchmark", "a0", "--budget", "8", "--workers", "1"], capsys)
    assert code == 0, err
    assert out.startswith("benchmark a0:") and "truth:" in out and "8 candidates" in out


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda t: ["/nonexistent/data.csv", "--target", "y", "--inputs", "x"], "does not exist"),
        (lambda t: [_write(t, "x,y\n1,2\n"), "--target", "z", "--inputs", "x"], "no column 'z'"),
        (
            lambda t: [
                _write(t, "x,y\n" + "1,2\n" * 9 + "1,abc\n"),
                "--target",
                "y",
                "--inputs",
                "x",
            ],
            "bad.csv:11: column 'y': 'abc' is not a number",
        ),
        (
            lambda t: [
                _write(t, "x,y\n" + "1,2\n" * 9 + "nan,3\n"),
                "--target",
                "y",
                "--inputs",
                "x",
            ],
            "bad.csv:11: column 'x' is NaN",
        ),
        (lambda t: [_write(t, "x,y\n1,2\n2,3\n"), "--target", "y", "--inputs", "x"], "at least 8"),
        (lambda t: ["--benchmark", "nope"], "unknown benchmark"),
        (
            lambda t: [
                _write(t, "x,y\n" + "".join(f"{i},{i * i}\n" for i in range(12))),
                "--target",
                "y",
                "--inputs",
                "x",
                "--llm",
                "http://127.0.0.1:9/v1",
            ],
            "cannot reach LLM endpoint",
        ),
        (lambda t: ["--budget", "0", "--benchmark", "a0"], "--budget must be at least 1"),
        (lambda t: [], "give DATA.csv"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(make_args, message, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(make_args(tmp_path), capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err

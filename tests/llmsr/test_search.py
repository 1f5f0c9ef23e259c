"""The search loop end to end with the built-in proposer: recovery, determinism, resume, cancel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.backends import BackendStats
from lagrangian.llmsr.backends.builtin import BuiltinProposer
from lagrangian.llmsr.config import BufferConfig, SandboxConfig, SearchConfig
from lagrangian.llmsr.prompts import Prompt

FAST = SearchConfig(
    buffer=BufferConfig(num_islands=4, cluster_logits="log_loss"),
    sandbox=SandboxConfig(workers=2, timeout_seconds=30.0),
    checkpoint_every=8,
)


def write_csv(path: Path, columns: dict[str, np.ndarray]) -> Path:
    names = list(columns)
    rows = np.column_stack([columns[n] for n in names])
    path.write_text(
        ",".join(names) + "\n" + "\n".join(",".join(f"{v:.17g}" for v in r) for r in rows)
    )
    return path


@pytest.fixture
def qed_csv(tmp_path: Path) -> Path:
    c = np.linspace(-0.95, 0.95, 40)
    return write_csv(tmp_path / "qed.csv", {"cos_theta": c, "rate": 2.5 * (1 + c**2)})


def test_recovers_the_qed_angular_law_from_a_csv(qed_csv: Path, tmp_path: Path) -> None:
    request = FitRequest(
        data=str(qed_csv), target="rate", inputs=("cos_theta",), budget=40, config=FAST
    )
    result = fit_equation(request)
    best = result.best
    assert best.nmse_train is not None and best.nmse_train < 1e-10
    assert best.nmse_test is not None and best.nmse_test < 1e-10
    assert best.expression == "5*(cos_theta**2 + 1)/2"
    assert result.candidates == 40
    summary = result.summary()
    assert set(summary) == {"best", "candidates", "rejected", "seconds", "stopped", "failure"}
    assert set(summary["best"]) == {
        "expression",
        "latex",
        "params",
        "nmse_train",
        "nmse_test",
        "program",
    }
    json.dumps(summary)


def test_same_seed_same_history(qed_csv: Path) -> None:
    """The same programs, from the same parents, in the same order, fitted to the same loss.

    Not the same constants to the last bit: one fit run in two processes can differ in the
    eighth digit (it does under PYTHONHASHSEED 1 and 3, most likely through the memory
    alignment numpy's vectorised sums round with), and a program with a flat direction (two
    additive constants, as pruning can leave) ends anywhere along it.
    """
    request = FitRequest(
        data=str(qed_csv), target="rate", inputs=("cos_theta",), budget=16, config=FAST
    )
    first = fit_equation(request).run["history"]
    second = fit_equation(request).run["history"]
    fitted = ("seconds", "params", "loss", "nmse_train", "nmse_test")
    strip = [{k: v for k, v in r.items() if k not in fitted} for r in first]
    assert strip == [{k: v for k, v in r.items() if k not in fitted} for r in second]
    # Out of domain an ill-conditioned valley (c·(1 + 413·g) with c ≈ 0.011) magnifies the
    # rounding: 2e-8 relative seen; in domain the losses agree to 1e-15.
    tolerance = {"loss": 1e-9, "nmse_train": 1e-9, "nmse_test": 1e-6}
    for one, other in zip(first, second, strict=True):
        for key, rel in tolerance.items():
            assert (one[key] is None) == (other[key] is None), (one["id"], key)
            if one[key] is not None:
                assert one[key] == pytest.approx(other[key], rel=rel, abs=1e-25), (one["id"], key)


def test_resume_continues_exactly_like_an_uninterrupted_run(qed_csv: Path, tmp_path: Path) -> None:
    base = FitRequest(data=str(qed_csv), target="rate", inputs=("cos_theta",), config=FAST)
    straight = fit_equation(FitRequest(**{**base.__dict__, "budget": 24}))
    half = tmp_path / "half.json"
    fit_equation(FitRequest(**{**base.__dict__, "budget": 12, "out": str(half)}))
    resumed = fit_equation(FitRequest(resume=str(half), budget=24, config=FAST))
    searched = [r for r in straight.run["history"] if r["stage"] == "search"]
    again = [r for r in resumed.run["history"] if r["stage"] == "search"]
    assert [r["body"] for r in again] == [r["body"] for r in searched]
    assert resumed.candidates == 24


def test_resume_refuses_changed_data(qed_csv: Path, tmp_path: Path) -> None:
    run = tmp_path / "run.json"
    fit_equation(
        FitRequest(
            data=str(qed_csv),
            target="rate",
            inputs=("cos_theta",),
            budget=4,
            out=str(run),
            config=FAST,
        )
    )
    text = qed_csv.read_text().replace("2.5", "2.6", 1)
    qed_csv.write_text(text.replace("\n0", "\n1", 1))
    c = np.linspace(-0.95, 0.95, 40)
    write_csv(qed_csv, {"cos_theta": c, "rate": 3.0 * (1 + c**2)})
    from lagrangian.llmsr.errors import RunFileError

    with pytest.raises(RunFileError, match="different data"):
        fit_equation(FitRequest(resume=str(run), budget=8, config=FAST))


def test_progress_and_cancellation(qed_csv: Path) -> None:
    seen: list[int] = []

    def cancel() -> bool:
        return len(seen) >= 2

    request = FitRequest(
        data=str(qed_csv), target="rate", inputs=("cos_theta",), budget=400, config=FAST
    )
    result = fit_equation(
        request, progress=lambda p: seen.append(p.candidates), should_cancel=cancel
    )
    assert result.stopped == "cancelled by the caller"
    assert seen == sorted(seen) and result.candidates == seen[-1] < 400


class HostileBackend:
    """Proposes attacks, garbage and one correct program; the search must survive all."""

    name = "hostile"

    def __init__(self) -> None:
        self.stats = BackendStats()
        self.calls = 0

    def close(self) -> None:
        pass

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        self.calls += 1
        head = "def equation_v2(cos_theta, params):\n"
        replies = [
            head + "    import os\n    return cos_theta\n",
            head + "    open('/tmp/owned_by_llmsr', 'w')\n    return cos_theta\n",
            head + "    x = 0\n    for i in range(10**12):\n        x = x + i\n    return x\n",
            head + "    a = [0.0] * 10**10\n    return cos_theta\n",
            head + "    return ().__class__.__bases__[0]\n",
            "I am not sure what you mean.",
            head + "    return params[0] * (1 + cos_theta**2)\n",
        ]
        return replies[:n]


def test_hostile_programs_are_rejected_or_killed_and_the_search_continues(qed_csv: Path) -> None:
    config = FAST.replace(
        samples_per_prompt=7, sandbox=SandboxConfig(workers=2, timeout_seconds=10.0)
    )
    request = FitRequest(
        data=str(qed_csv), target="rate", inputs=("cos_theta",), budget=7, config=config
    )
    result = fit_equation(request, backend=HostileBackend())
    assert result.candidates == 7 and result.rejected == 6
    assert result.best.expression == "5*(cos_theta**2 + 1)/2"
    errors = [r["error"] for r in result.run["history"][1:8]]
    assert "Import" in errors[0] and "open" in errors[1] and "timed out" in errors[2]
    assert "memory" in errors[3] or "killed" in errors[3]
    assert "__bases__" in errors[4] and "garbage" in errors[5]
    assert not Path("/tmp/owned_by_llmsr").exists()


def test_builtin_proposer_keeps_within_max_nparams() -> None:
    from lagrangian.llmsr.prompts import ParentProgram, build_prompt
    from lagrangian.llmsr.spec import InputVariable, Specification

    spec = Specification(
        "y",
        (InputVariable("pT", kind="scale"), InputVariable("abs_y", kind="rapidity")),
        max_nparams=4,
    )
    parent = ParentProgram("    return params[0] * pT + params[1] * abs_y + params[2]\n", -1.0)
    proposer = BuiltinProposer(seed=3)
    for serial in range(30):
        for reply in proposer.sample(build_prompt(spec, [parent], 0, serial), 4):
            indices = {int(i) for i in __import__("re").findall(r"params\[(\d+)\]", reply)}
            assert indices == set(range(len(indices))) and len(indices) <= 4


def test_an_exact_fit_ends_the_search_when_asked(qed_csv: Path) -> None:
    """2.5(1 + c²) is one forward step from the skeleton; nothing after it can do better."""
    config = FAST.replace(stop_nmse=1e-20)
    request = FitRequest(
        data=str(qed_csv), target="rate", inputs=("cos_theta",), budget=400, config=config
    )
    result = fit_equation(request)
    assert result.stopped == "a candidate fits to NMSE below 1e-20"
    assert result.candidates < 400 and result.best.nmse_train < 1e-20

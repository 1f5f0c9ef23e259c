"""Hostile programs are rejected or killed, and the pool keeps working afterwards.

Some programs here bypass the AST allow-list on purpose (they are sent to the sandbox
directly) to show that the worker's own restrictions hold even if the checker had a hole.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lagrangian.llmsr.sandbox import FitJob, SandboxPool

GOOD = FitJob(
    "def equation(pT, params):\n    return params[0] * pT**2 / (params[1] + pT**2)\n", [0, 1], 1
)


def job(body: str) -> FitJob:
    return FitJob("def equation(pT, params):\n" + body, None, 0)


def test_a_good_program_fits_exactly(pool: SandboxPool) -> None:
    [result] = pool.evaluate([GOOD])
    assert result.ok and result.nmse_train is not None and result.nmse_train < 1e-12
    assert result.nmse_test is not None and result.nmse_test < 1e-10
    assert abs(result.params[1] - 91.1876**2) < 1e-2


def test_infinite_loop_is_killed_and_the_pool_recovers(pool: SandboxPool) -> None:
    looping, good = pool.evaluate([job("    while True:\n        pass\n    return pT\n"), GOOD])
    assert not looping.ok and looping.killed and "timed out" in looping.error
    assert good.ok
    assert pool.evaluate([GOOD])[0].ok


def test_memory_bomb_fails_inside_its_limit(pool: SandboxPool) -> None:
    bomb, after = pool.evaluate([job("    a = [1.0] * 10**10\n    return pT\n"), GOOD])
    assert not bomb.ok and ("memory" in bomb.error or bomb.killed)
    assert after.ok


def test_no_file_can_be_written_even_without_the_checker(pool: SandboxPool, tmp_path: Path) -> None:
    target = tmp_path / "owned.txt"
    hostile = [
        job(f"    open({str(target)!r}, 'w').write('x')\n    return pT\n"),
        job(f"    __import__('os').system('touch {target}')\n    return pT\n"),
        job("    return ().__class__.__bases__[0].__subclasses__()\n"),
        job("    return np.load\n"),
    ]
    results = pool.evaluate(hostile)
    assert not any(r.ok for r in results)
    assert "NameError" in results[0].error and "NameError" in results[1].error
    assert not target.exists()


def test_wrong_shapes_and_exceptions_are_rejections(pool: SandboxPool) -> None:
    results = pool.evaluate(
        [
            job("    return pT[:3]\n"),
            job("    return 1 / 0\n"),
            job("    return np.log(-1 - pT) * params[0]\n"),
        ]
    )
    assert [r.ok for r in results] == [False, False, False]


def test_symbolic_form_comes_from_the_sandbox(pool: SandboxPool) -> None:
    result = pool.symbolic(GOOD.source, ["pT"], [1.0, 8315.18])
    assert result is not None and result["expression"] == "pT**2/(pT**2 + 8315.18)"


def test_a_runner_up_can_be_shown_unsimplified(pool: SandboxPool) -> None:
    """2·pT·cos²pT + 2·pT·sin²pT is 2·pT once simplified; unsimplified it keeps its terms."""
    body = "params[0] * pT * np.cos(pT) ** 2 + params[0] * pT * np.sin(pT) ** 2"
    source = f"def equation(pT, params):\n    return {body}\n"
    simplified = pool.symbolic(source, ["pT"], [2.0, 1.0])
    plain = pool.symbolic(source, ["pT"], [2.0, 1.0], simplify=False)
    assert simplified is not None and simplified["expression"] == "2*pT"
    assert plain is not None and "sin" in plain["expression"] and "cos" in plain["expression"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_results_keep_job_order_with_parallel_workers(pool: SandboxPool) -> None:
    jobs = [job(f"    return params[0] * pT + {k}\n") for k in range(6)]
    results = pool.evaluate(jobs)
    offsets = [r.params[0] for r in results]
    assert all(r.ok for r in results) and len(set(offsets)) == 6

"""The one-call API used by the ``lagrangian fit`` command and the language server.

``fit_equation(FitRequest(...), progress=..., should_cancel=...)`` loads the data (or a
built-in benchmark, or a saved run to resume), builds the specification, picks the backend,
runs the search in a sandbox pool, simplifies the best programs and returns a ``FitResult``
whose ``summary()`` is the documented JSON object of ``lagrangian fit --format json``.
Every user error surfaces as an ``LlmsrError`` with a one-line message.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .backends import Backend, make_backend
from .config import SearchConfig
from .data import Dataset, read_csv, split
from .errors import LlmsrError, RunFileError
from .hep import load_benchmark
from .results import ProgramRecord, load_run, save_run
from .sandbox import SandboxPool
from .search import CancelCheck, ProgressCallback, Search
from .spec import InputVariable, Specification, identifier_for


@dataclass(frozen=True)
class FitRequest:
    """What to fit: a CSV file (or a benchmark name, or a saved run) and how to search.

    ``budget``, ``seed`` and ``llm`` left as ``None`` take the saved run's values when
    resuming and the defaults otherwise.
    """

    data: str | None = None
    target: str | None = None
    inputs: tuple[str, ...] = ()
    test: str | None = None
    sigma: str | None = None
    describe: str = ""
    llm: str | None = None
    budget: int | None = None
    seed: int | None = None
    out: str | None = None
    benchmark: str | None = None
    resume: str | None = None
    config: SearchConfig = field(default_factory=SearchConfig)

    def to_dict(self) -> dict[str, Any]:
        data = None if self.data is None else str(Path(self.data).resolve())
        test = None if self.test is None else str(Path(self.test).resolve())
        return {
            "data": data,
            "target": self.target,
            "inputs": list(self.inputs),
            "test": test,
            "sigma": self.sigma,
            "describe": self.describe,
            "llm": self.llm,
            "benchmark": self.benchmark,
        }


@dataclass(frozen=True)
class BestProgram:
    """A fitted program as reported: simplified expression, LaTeX, constants and errors."""

    expression: str
    latex: str
    skeleton: str
    params: list[float]
    nmse_train: float | None
    nmse_test: float | None
    loss: float
    program: str
    verified: bool = False

    def summary(self) -> dict[str, Any]:
        keys = ("expression", "latex", "params", "nmse_train", "nmse_test", "program")
        return {k: getattr(self, k) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        extra = {"skeleton": self.skeleton, "loss": self.loss, "verified": self.verified}
        return {**self.summary(), **extra}


@dataclass(frozen=True)
class FitResult:
    """The outcome of a fit; ``summary()`` is the CLI's JSON contract, ``run`` the full record.

    ``failure`` is empty when the search found something; otherwise it says, in one line, why
    the result is only the starting guess (the backend produced nothing, or no candidate beat
    the starting skeleton), and ``lagrangian fit`` exits non-zero with it.
    """

    best: BestProgram
    top: list[BestProgram]
    candidates: int
    rejected: int
    seconds: float
    stopped: str
    backend: dict[str, Any]
    benchmark: dict[str, str] | None
    run: dict[str, Any]
    failure: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "best": self.best.summary(),
            "candidates": self.candidates,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 3),
            "stopped": self.stopped,
            "failure": self.failure,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "best": self.best.to_dict(),
            "top": [p.to_dict() for p in self.top],
            "backend": self.backend,
            "benchmark": self.benchmark,
        }


def _specification(request: FitRequest, train: Dataset, columns: tuple[str, ...]) -> Specification:
    inputs = tuple(
        InputVariable(identifier_for(c), "" if identifier_for(c) == c else f"column '{c}'")
        for c in columns
    )
    spec = Specification(
        target=identifier_for(request.target or "y"),
        inputs=inputs,
        description=request.describe,
        target_meaning=request.target or "",
    )
    return spec.with_inferred_kinds(train.x)


def _load(
    request: FitRequest, seed: int, test_fraction: float
) -> tuple[Specification, Dataset, Dataset | None, dict[str, str] | None]:
    if request.benchmark:
        bench = load_benchmark(request.benchmark, seed)
        info = {"name": bench.name, "summary": bench.summary, "truth": bench.truth}
        spec = (
            bench.spec
            if not request.describe
            else replace(bench.spec, description=request.describe)
        )
        return spec, bench.train, bench.test, info
    if not request.data:
        raise LlmsrError("give a data file (or --benchmark NAME)")
    if not request.target:
        raise LlmsrError("give the target column (--target COL)")
    if not request.inputs:
        raise LlmsrError("give the input columns (--inputs A,B)")
    names = tuple(identifier_for(c) for c in request.inputs)
    if len(set(names)) != len(names):
        raise LlmsrError(
            f"input columns {', '.join(request.inputs)} map to repeated names {', '.join(names)}"
        )
    table = read_csv(request.data, request.target, request.inputs, request.sigma)
    table = Dataset(names, table.x, table.y, table.sigma)
    if request.test:
        held = read_csv(request.test, request.target, request.inputs, request.sigma)
        train, test = table, Dataset(names, held.x, held.y, held.sigma)
    else:
        train, test = split(table, test_fraction, seed)
    return _specification(request, train, request.inputs), train, test, None


def _report(
    search: Search, pool: SandboxPool, record: ProgramRecord, simplify: bool
) -> BestProgram:
    """The program as shown to the user, with whether its text was checked against the data."""
    source = search.spec.function_source(record.body)
    params = record.fitted_params
    names = search.spec.input_names
    symbolic = pool.symbolic(source, names, record.params, record.nmse_train, simplify)
    if symbolic is None:
        returned = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Return) and n.value]
        text = ast.unparse(returned[-1].value) if returned and returned[-1].value else ""
        symbolic = {"expression": text, "latex": "", "skeleton": text, "verified": False}
    return BestProgram(
        expression=str(symbolic["expression"]),
        latex=str(symbolic["latex"]),
        skeleton=str(symbolic["skeleton"]),
        params=params,
        nmse_train=record.nmse_train,
        nmse_test=record.nmse_test,
        loss=float(record.loss or 0.0),
        program=source,
        verified=bool(symbolic.get("verified")),
    )


def _top_programs(search: Search, pool: SandboxPool, top_k: int) -> list[BestProgram]:
    """The best distinct programs, those whose printed form reproduces their NMSE first.

    A program the symbolic reading cannot reproduce (a data-dependent loop, or a worker that
    reported a result its program does not compute) is listed only after the verified ones,
    so the reported best is always a formula that evaluates on the data as claimed.  Only
    programs up to the first verified one are simplified by sympy (which can take its full
    time limit on a long polynomial); the runners-up are shown as evaluated, unsimplified.
    """
    verified: list[BestProgram] = []
    others: list[BestProgram] = []
    for record in search.ranked()[: 4 * max(1, top_k)]:
        report = _report(search, pool, record, simplify=not verified)
        shown = verified + others
        if all(report.expression != other.expression for other in shown):
            (verified if report.verified else others).append(report)
        if len(verified) >= max(1, top_k):
            break
    return (verified + others)[: max(1, top_k)]


def _failure(search: Search, best: BestProgram) -> str:
    """Why the result is no discovery (empty when it is one)."""
    if search.candidates == 0:
        return f"the {search.backend.name} backend produced no programs ({search.stopped})"
    seed = search.records[0]
    if seed.nmse_train is not None and seed.nmse_train < 1e-12:
        return ""  # the starting skeleton is already exact: nothing could beat it
    if best.program == search.spec.function_source(seed.body) or (
        best.nmse_train is not None
        and seed.nmse_train is not None
        and best.nmse_train >= seed.nmse_train
    ):
        return (
            f"no candidate beat the starting skeleton ({search.candidates} candidates, "
            f"{search.rejected} rejected; stopped: {search.stopped})"
        )
    return ""


def fit_equation(
    request: FitRequest,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    backend: Backend | None = None,
) -> FitResult:
    """Run (or resume) a search and report its best programs.

    ``progress`` is called after every prompt with a ``Progress`` snapshot; ``should_cancel``
    is polled before every prompt and stops the search early (the result so far is still
    returned and saved).  With ``request.out`` the run is checkpointed there periodically
    and at the end.
    """
    saved: dict[str, Any] | None = None
    config = request.config
    if request.resume:
        saved = load_run(request.resume)
        stored = saved.get("request", {})
        config = SearchConfig.from_dict(saved["config"])
        request = replace(
            request,
            data=request.data or stored.get("data"),
            target=request.target or stored.get("target"),
            inputs=request.inputs or tuple(stored.get("inputs", ())),
            test=request.test or stored.get("test"),
            sigma=request.sigma or stored.get("sigma"),
            describe=request.describe or stored.get("describe", ""),
            llm=request.llm or stored.get("llm"),
            benchmark=request.benchmark or stored.get("benchmark"),
        )
    if request.budget is not None:
        config = config.replace(budget=request.budget)
    if request.seed is not None and saved is None:
        config = config.replace(seed=request.seed)
    if config.budget < 1:
        raise LlmsrError("the budget must be at least 1 candidate program")
    spec, train, test, bench = _load(request, config.seed, config.test_fraction)
    if saved is not None:
        spec = Specification.from_dict(saved["spec"])
    own_backend = backend is None
    backend = backend or make_backend(request.llm, seed=config.seed)
    try:
        search = Search(spec, train, test, backend, config, saved)
        request_record = request.to_dict()

        def checkpoint(current: Search) -> None:
            if request.out:
                save_run(request.out, {**current.to_run(), "request": request_record})

        with SandboxPool(train, test, spec.max_nparams, config.fit, config.sandbox) as pool:
            search.run(pool, progress, should_cancel, checkpoint)
            search.prune_best(pool)
            if not search.ranked():
                raise LlmsrError("no program could be fitted")
            top = _top_programs(search, pool, config.top_k)
    finally:
        if own_backend:
            backend.close()
    failure = _failure(search, top[0])
    run = {
        **search.to_run(),
        "request": request_record,
        "best": top[0].to_dict(),
        "top": [t.to_dict() for t in top],
        "failure": failure,
    }
    if bench is not None:
        run["benchmark"] = bench
    if request.out:
        save_run(request.out, run)
    return FitResult(
        best=top[0],
        top=top,
        candidates=search.candidates,
        rejected=search.rejected,
        seconds=search.seconds,
        stopped=search.stopped,
        backend={
            "name": backend.name,
            "stats": backend.stats.to_dict(),
            "garbage_replies": search.garbage,
        },
        benchmark=bench,
        run=run,
        failure=failure,
    )


__all__ = ["BestProgram", "FitRequest", "FitResult", "RunFileError", "fit_equation"]
_ = Callable  # re-exported types above use Callable in annotations only

"""The LLM-SR search loop: prompt, sample, check, fit, register, repeat.

One iteration takes a prompt from the experience buffer (an island and up to two of its
programs), asks the backend for ``samples_per_prompt`` programs, trims each reply to a
function body, checks it against the allow-list, fits its constants in the sandbox and
registers it, with score −loss, on the prompt's island.  Iterations are synchronous (the
samples of one prompt are fitted in parallel, then registered in order), so that a seeded
run with the built-in proposer is reproducible and a saved run resumes exactly where it
stopped.  Progress and cancellation are callbacks, so the command line and the language
server drive the same loop.
"""

from __future__ import annotations

import ast
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .backends import Backend
from .buffer import ExperienceBuffer
from .config import SearchConfig
from .data import Dataset
from .errors import BackendGaveUp, LlmsrError, RunFileError
from .expressions import as_expression, simplifications
from .program import GarbageReply, extract_body, program_key, used_parameters
from .prompts import ParentProgram, build_prompt
from .results import FORMAT, VERSION, ProgramRecord
from .safety import check_program
from .sandbox import Evaluation, FitJob, SandboxPool
from .selection import EXACT_NMSE, SELECTIONS, Criterion, constants_of
from .spec import Specification


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress bars: counts so far and the best program's quality."""

    candidates: int
    budget: int
    rejected: int
    best_loss: float | None
    best_nmse_train: float | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


ProgressCallback = Callable[[Progress], None]
CancelCheck = Callable[[], bool]


class Search:
    """A search over programs for one specification and dataset; resumable from a saved run."""

    def __init__(
        self,
        spec: Specification,
        train: Dataset,
        test: Dataset | None,
        backend: Backend,
        config: SearchConfig,
        saved: dict[str, Any] | None = None,
    ) -> None:
        if config.fit.loss == "chi2" and train.sigma is None:
            raise LlmsrError("loss 'chi2' needs data uncertainties (a sigma column)")
        if config.selection not in SELECTIONS:
            raise LlmsrError(
                f"unknown selection {config.selection!r}; choose one of {', '.join(SELECTIONS)}"
            )
        self.spec = spec
        self.train = train
        self.test = test
        self.backend = backend
        self.config = config
        self.records: list[ProgramRecord] = []
        self.buffer = ExperienceBuffer(config.buffer)
        self.rng = np.random.default_rng(config.seed)
        self.candidates = 0
        self.rejected = 0
        self.garbage = 0
        self.prompts = 0
        self.seconds = 0.0
        self.stopped = ""
        self._known: dict[str, int] = {}
        self.chosen: int | None = None
        if saved is not None:
            self._restore(saved)

    # -- state -----------------------------------------------------------------------------

    def _restore(self, saved: dict[str, Any]) -> None:
        data = saved.get("data", {})
        if data.get("train") != self.train.fingerprint() or data.get("test") != _fingerprint(
            self.test
        ):
            raise RunFileError(
                "the saved run was made on different data; it cannot be resumed on this data"
            )
        state = saved["state"]
        # Pruning happens after the search and appends at the end; the search resumes without it.
        records = [ProgramRecord.from_dict(r) for r in saved["history"]]
        self.records = [r for r in records if r.stage == "search"]
        self.buffer = ExperienceBuffer.from_dict(self.config.buffer, state["buffer"])
        self.rng.bit_generator.state = state["rng"]
        self.candidates = int(saved["candidates"])
        self.rejected = int(saved["rejected"])
        self.garbage = int(state.get("garbage", 0))
        self.prompts = int(state["prompts"])
        self.seconds = float(saved.get("seconds", 0.0))
        restore = getattr(self.backend, "restore", None)
        if restore is not None and "proposer" in state:
            restore(state["proposer"])
        for record in self.records:
            if record.ok and record.duplicate_of is None:
                self._known.setdefault(program_key(record.body), record.id)

    def to_run(self) -> dict[str, Any]:
        """The JSON-able run: report fields, full history and the state needed to resume."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "spec": self.spec.to_dict(),
            "config": self.config.to_dict(),
            "data": {
                "train": self.train.fingerprint(),
                "test": _fingerprint(self.test),
                "rows_train": len(self.train),
                "rows_test": 0 if self.test is None else len(self.test),
                "loss": "chi2" if self._uses_sigma() else "mse",
            },
            "backend": {"name": self.backend.name, "stats": self.backend.stats.to_dict()},
            "candidates": self.candidates,
            "rejected": self.rejected,
            "seconds": self.seconds,
            "stopped": self.stopped,
            "history": [r.to_dict() for r in self.records],
            "state": {
                "buffer": self.buffer.to_dict(),
                "rng": self.rng.bit_generator.state,
                "prompts": self.prompts,
                "garbage": self.garbage,
                **({"proposer": self.backend.state()} if hasattr(self.backend, "state") else {}),
            },
        }

    def _uses_sigma(self) -> bool:
        return self.train.sigma is not None and self.config.fit.loss in ("auto", "chi2")

    def criterion(self) -> Criterion:
        """The information criterion of the final selection (AIC for pruning under "loss")."""
        kind = "aic" if self.config.selection == "loss" else self.config.selection
        return Criterion.for_data(kind, self.train.y, self._uses_sigma())

    def _constants(self, record: ProgramRecord) -> int:
        return constants_of(record, self.spec.max_nparams)

    # -- the loop --------------------------------------------------------------------------

    def run(
        self,
        pool: SandboxPool,
        progress: ProgressCallback | None = None,
        should_cancel: CancelCheck | None = None,
        checkpoint: Callable[[Search], None] | None = None,
    ) -> None:
        """Search until the budget is spent, the caller cancels, or the backend keeps failing."""
        started = time.monotonic() - self.seconds
        if not self.records:
            self._seed(pool)
        failures = 0
        last_checkpoint = self.candidates
        self.stopped = "the budget was spent"
        while self.candidates < self.config.budget:
            if should_cancel is not None and should_cancel():
                self.stopped = "cancelled by the caller"
                break
            try:
                added = self._iteration(pool)
            except BackendGaveUp as error:
                self.stopped = str(error)
                break
            failures = 0 if added else failures + 1
            self.seconds = time.monotonic() - started
            if failures >= self.config.max_consecutive_backend_failures:
                self.stopped = f"the backend returned nothing for {failures} prompts in a row"
                break
            if self._exact_fit_found():
                self.stopped = f"a candidate fits to NMSE below {self.config.stop_nmse:g}"
                break
            if progress is not None:
                progress(self.progress())
            if (
                checkpoint is not None
                and self.candidates - last_checkpoint >= self.config.checkpoint_every
            ):
                checkpoint(self)
                last_checkpoint = self.candidates
        self.seconds = time.monotonic() - started

    def _exact_fit_found(self) -> bool:
        limit = self.config.stop_nmse
        return limit is not None and any(
            r.ok and r.nmse_train is not None and r.nmse_train < limit for r in self.records
        )

    def progress(self) -> Progress:
        best = self.best_record()
        return Progress(
            self.candidates,
            self.config.budget,
            self.rejected,
            None if best is None else best.loss,
            None if best is None else best.nmse_train,
            self.seconds,
        )

    def _seed(self, pool: SandboxPool) -> None:
        """Evaluate the skeleton and register it on every island (as LLM-SR does)."""
        record = ProgramRecord(id=0, body=self.spec.skeleton, island=None)
        self.records.append(record)
        job = self._job(record)
        if isinstance(job, str):
            raise LlmsrError(f"the starting skeleton is not a valid program: {job}")
        evaluation = pool.evaluate([job])[0]
        self._apply(record, evaluation)
        if not record.ok:
            raise LlmsrError(f"the starting skeleton cannot be fitted: {record.error}")
        self.buffer.register(record.id, -float(record.loss or 0.0), len(record.body), None)
        self._known[program_key(record.body)] = record.id

    def _job(self, record: ProgramRecord) -> FitJob | str:
        """A sandbox job for a record, or the reason the program is rejected before running."""
        source = self.spec.function_source(record.body)
        try:
            function = check_program(source, self.spec.input_names)
            record.used = used_parameters(function, self.spec.max_nparams)
        except LlmsrError as error:
            return str(error)
        seed = int(np.random.SeedSequence([self.config.seed, record.id]).generate_state(1)[0])
        return FitJob(source, record.used, seed)

    def _iteration(self, pool: SandboxPool) -> bool:
        """One prompt and its samples; ``False`` when the backend produced nothing."""
        choice = self.buffer.choose(self.rng)
        parents = [self.records[i] for i in choice.programs]
        prompt = build_prompt(
            self.spec,
            [ParentProgram(p.body, float(p.score or 0.0), tuple(p.fitted_params)) for p in parents],
            choice.island,
            serial=self.prompts,
        )
        self.prompts += 1
        wanted = min(self.config.samples_per_prompt, self.config.budget - self.candidates)
        replies = self.backend.sample(prompt, wanted)[:wanted]
        if not replies:
            return False
        pending: list[tuple[ProgramRecord, FitJob]] = []
        for reply in replies:
            record = ProgramRecord(
                id=len(self.records), body="", island=choice.island, parents=list(choice.programs)
            )
            self.records.append(record)
            self.candidates += 1
            try:
                record.body = extract_body(reply)
            except GarbageReply as error:
                self._reject(record, f"garbage reply: {error}")
                self.garbage += 1
                continue
            known = self._known.get(program_key(record.body))
            if known is not None:
                self._repeat(record, self.records[known])
                continue
            job = self._job(record)
            if isinstance(job, str):
                self._reject(record, f"rejected: {job}")
                continue
            pending.append((record, job))
        evaluations = pool.evaluate([job for _, job in pending]) if pending else []
        for (record, _), evaluation in zip(pending, evaluations, strict=True):
            self._apply(record, evaluation)
            if record.ok:
                self._known[program_key(record.body)] = record.id
                self._register(record)
            else:
                self.rejected += 1
        return True

    def _apply(self, record: ProgramRecord, evaluation: Evaluation) -> None:
        record.ok = evaluation.ok
        record.error = evaluation.error
        record.seconds = evaluation.seconds
        if evaluation.ok:
            record.loss = evaluation.loss
            record.params = list(evaluation.params)
            record.nmse_train = evaluation.nmse_train
            record.nmse_test = evaluation.nmse_test

    def _reject(self, record: ProgramRecord, reason: str) -> None:
        record.error = reason[:300]
        self.rejected += 1

    def _repeat(self, record: ProgramRecord, original: ProgramRecord) -> None:
        """A program seen before: reuse its evaluation; add it to this island if not there yet."""
        record.duplicate_of = original.id
        for name in ("ok", "error", "loss", "params", "used", "nmse_train", "nmse_test"):
            setattr(record, name, getattr(original, name))
        if not record.ok:
            self.rejected += 1
        elif record.island is not None and not self.buffer.islands[record.island].contains(
            original.id
        ):
            self._register(original, record.island)

    def _register(self, record: ProgramRecord, island: int | None = None) -> None:
        target = record.island if island is None else island
        self.buffer.register(record.id, -float(record.loss or 0.0), len(record.body), target)
        if self.buffer.reset_due():
            lengths = {r.id: len(r.body) for r in self.records}
            self.buffer.reset_weaker_half(self.rng, lengths)

    # -- pruning ---------------------------------------------------------------------------

    def prune_best(self, pool: SandboxPool, rounds: int = 8) -> int:
        """Simplify the best program while the fit stays as good; return evaluations made.

        Searches leave dead weight: a term with a vanishing coefficient, a shift that does
        nothing, a sub-expression that is constant over the data, an exponent fitted to
        1.00018 where the law has 1.  Each round refits the simpler variants from
        ``expressions.simplifications`` in parallel and keeps the first (a snapped exponent,
        else the smallest) that is still exact (NMSE below ``EXACT_NMSE``) or does not raise
        the selection's information criterion (``Criterion.simpler_is_as_good``: with BIC,
        Δχ² < ln N per constant removed; AIC, 2 per constant, under ``selection="loss"``).

        Two programs are pruned when the data are fitted exactly: the best by the selection
        and, when it is another, the one with the lowest loss.  Every fit below the
        exactness floor ties, so an exact law
        padded with dead terms (nine constants, NMSE 1e-31) ranks below a shorter look-alike
        that is exact only to the floor (a log standing in for a denominator, seven
        constants, NMSE 5e-13); pruned, the padded one is the law with two.  The pruned
        program that ranks first is chosen.  These evaluations are recorded in the history
        with ``stage: prune`` and are not part of the candidate budget.
        """
        ranked = self.ranked()
        if not ranked:
            return 0
        starts = [ranked[0]]
        lowest = min(ranked, key=lambda r: float(r.loss if r.loss is not None else math.inf))
        exact = lowest.nmse_train is not None and lowest.nmse_train < EXACT_NMSE
        if exact and lowest.id != ranked[0].id:
            starts.append(lowest)
        evaluations = 0
        finals = []
        for start in starts:
            final, count = self._prune_from(pool, start, rounds)
            finals.append(final)
            evaluations += count
        winner = min(finals, key=self._rank_key())
        if winner.id != ranked[0].id:
            self.chosen = winner.id
        return evaluations

    def _prune_from(
        self, pool: SandboxPool, best: ProgramRecord, rounds: int
    ) -> tuple[ProgramRecord, int]:
        """The simplest as-good program reached from ``best``, and the evaluations made."""
        expression = as_expression(best.body)
        evaluations = 0
        for _ in range(rounds):
            if expression is None:
                break
            pending: list[tuple[ProgramRecord, FitJob, ast.expr]] = []
            for variant in simplifications(expression, values=best.params):
                body = f"    return {ast.unparse(variant)}\n"
                record = ProgramRecord(
                    id=len(self.records), body=body, island=None, parents=[best.id], stage="prune"
                )
                job = self._job(record)
                if not isinstance(job, str):
                    self.records.append(record)
                    pending.append((record, job, variant))
            evaluations += len(pending)
            results = pool.evaluate([job for _, job, _ in pending])
            accepted = None
            for (record, _, variant), evaluation in zip(pending, results, strict=True):
                self._apply(record, evaluation)
                if accepted is None and record.ok and self._simpler_is_as_good(best, record):
                    accepted = (record, variant)
            if accepted is None:
                break
            best, expression = accepted
        return best, evaluations

    def _simpler_is_as_good(self, current: ProgramRecord, simpler: ProgramRecord) -> bool:
        if simpler.nmse_train is not None and simpler.nmse_train < EXACT_NMSE:
            return True
        return self.criterion().simpler_is_as_good(
            float(current.loss or 0.0),
            self._constants(current),
            float(simpler.loss or 0.0),
            self._constants(simpler),
        )

    # -- results ---------------------------------------------------------------------------

    def ranked(self) -> list[ProgramRecord]:
        """Distinct fitted programs, best first by the configured ``selection``.

        The program chosen by ``prune_best`` (if any) comes first.  Under an information
        criterion the order is by its value, then fewer constants, then shorter text.  Under
        ``"loss"`` two losses tie when they differ by less than 1e-9 of the target's variance
        (or of chi²/N = 1): an extra term with a zero coefficient fits as well and must not
        win, so near-ties go to the program with fewer constants.
        """
        fitted = [r for r in self.records if r.ok and r.duplicate_of is None and r.loss is not None]
        ranked = sorted(fitted, key=self._rank_key())
        if self.chosen is not None:
            chosen = self.records[self.chosen]
            ranked = [chosen] + [r for r in ranked if r.id != chosen.id]
        return ranked

    def _rank_key(self) -> Callable[[ProgramRecord], tuple[float, int, int]]:
        """The ordering of ``ranked`` (smaller first), without the pruned program's priority."""
        if self.config.selection == "loss":
            scale = 1.0 if self._uses_sigma() else float(np.var(self.train.y)) or 1.0
            tolerance = 1e-9 * scale

            def key(record: ProgramRecord) -> tuple[float, int, int]:
                loss = float(record.loss if record.loss is not None else math.inf)
                band = math.floor(loss / tolerance) if loss / tolerance < 1e15 else loss
                return (band, self._constants(record), len(record.body))

        else:
            criterion = self.criterion()

            def key(record: ProgramRecord) -> tuple[float, int, int]:
                k = self._constants(record)
                return (criterion.value(float(record.loss or 0.0), k), k, len(record.body))

        return key

    def best_record(self) -> ProgramRecord | None:
        ranked = self.ranked()
        return ranked[0] if ranked else None


def _fingerprint(dataset: Dataset | None) -> str | None:
    return None if dataset is None else dataset.fingerprint()

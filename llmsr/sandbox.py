"""A pool of locked-down worker processes that fit untrusted programs, with time limits.

Forking a fresh interpreter (and importing numpy and scipy) per candidate would cost more
than most fits, so workers are started once, receive the data once, and serve many
requests.  Safety does not depend on the programs being well behaved: each worker runs under
``resource`` limits (see ``worker``), the parent kills a worker that exceeds the wall-clock
limit and starts a new one, a worker that dies (memory, signal) is replaced, and replies are
JSON checked for size, so nothing a program does can stop or subvert the search.
"""

from __future__ import annotations

import binascii
import contextlib
import json
import math
import os
import pickle
import select
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import FitConfig, SandboxConfig
from .data import Dataset
from .fitting import loss_value, nmse
from .worker import decode_array, read_message, write_message

_MAX_REPLY_BYTES = 8 * 1024 * 1024
_START_TIMEOUT = 120.0


@dataclass(frozen=True)
class FitJob:
    """One program to fit: its full source, the parameters it uses, a seed for restarts."""

    source: str
    used: list[int] | None
    seed: int


@dataclass(frozen=True)
class Evaluation:
    """What the sandbox found for one program; ``error`` says why when ``ok`` is false."""

    ok: bool
    error: str = ""
    loss: float = float("inf")
    params: tuple[float, ...] = ()
    nmse_train: float | None = None
    nmse_test: float | None = None
    seconds: float = 0.0
    killed: bool = False

    @classmethod
    def from_reply(cls, reply: dict[str, Any], truth: _Truth) -> Evaluation:
        """Score a worker's predictions here, in the parent; the worker's word is not taken."""
        if not reply.get("ok"):
            return cls(ok=False, error=str(reply.get("error", "unknown failure"))[:300])
        try:
            params = tuple(float(v) for v in reply["params"])
            train = decode_array(reply["train"], truth.train_y.size)
            test = None
            if truth.test_y is not None:
                test = decode_array(reply["test"], truth.test_y.size)
            seconds = float(reply.get("seconds", 0.0))
        except (KeyError, TypeError, ValueError, binascii.Error):
            return cls(ok=False, error="malformed reply from the sandbox")
        if len(params) != truth.max_nparams or not all(map(math.isfinite, params)):
            return cls(ok=False, error="malformed reply from the sandbox")
        with np.errstate(all="ignore"):
            loss = loss_value(train, truth.train_y, truth.sigma)
            nmse_train = nmse(train, truth.train_y)
            nmse_test = None if test is None else nmse(test, truth.test_y)
        if not math.isfinite(loss):
            return cls(ok=False, error="the loss is not finite for any parameters tried")
        return cls(
            ok=True,
            loss=loss,
            params=params,
            nmse_train=nmse_train if math.isfinite(nmse_train) else None,
            nmse_test=nmse_test if nmse_test is not None and math.isfinite(nmse_test) else None,
            seconds=seconds,
        )


@dataclass(frozen=True)
class _Truth:
    """What the parent scores predictions against (kept out of the workers' reach)."""

    train_y: np.ndarray
    sigma: np.ndarray | None
    test_y: np.ndarray | None
    max_nparams: int


class WorkerDied(Exception):
    """A worker process exited or sent something unreadable."""


class _Process:
    """One worker process and its protocol pipes."""

    def __init__(self, init: dict[str, Any]) -> None:
        env = dict(os.environ)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lagrangian.llmsr.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.stdout = self.proc.stdout
        try:
            write_message(self.stdin, pickle.dumps(init))
            reply = self.receive(time.monotonic() + _START_TIMEOUT)
        except (WorkerDied, OSError) as error:
            self.kill()
            raise RuntimeError(f"the sandbox worker failed to start: {error}") from None
        if not reply.get("ready"):
            self.kill()
            raise RuntimeError("the sandbox worker failed to start")
        self.confinement: dict[str, Any] = dict(reply.get("confinement") or {})

    def fileno(self) -> int:
        return self.stdout.fileno()

    def send(self, request: dict[str, Any]) -> None:
        try:
            write_message(self.stdin, pickle.dumps(request))
        except OSError as error:
            raise WorkerDied(str(error)) from None

    def receive(self, deadline: float) -> dict[str, Any]:
        """Block until a reply arrives; raise ``TimeoutError`` at ``deadline``."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.stdout], [], [], remaining)[0]:
            raise TimeoutError
        return self.read()

    def read(self) -> dict[str, Any]:
        header = self.stdout.peek(4)[:4] if hasattr(self.stdout, "peek") else b""
        if len(header) == 4 and int.from_bytes(header, "big") > _MAX_REPLY_BYTES:
            raise WorkerDied("reply too large")
        message = read_message(self.stdout)
        if message is None:
            code = self.proc.wait(timeout=5)
            raise WorkerDied(f"exit status {code}" if code >= 0 else f"killed by signal {-code}")
        try:
            reply = json.loads(message)
        except ValueError:
            raise WorkerDied("unreadable reply") from None
        if not isinstance(reply, dict):
            raise WorkerDied("unreadable reply")
        return reply

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class SandboxPool:
    """Fits programs on the training data (and scores them on held-out data) in workers."""

    def __init__(
        self,
        train: Dataset,
        test: Dataset | None,
        max_nparams: int,
        fit: FitConfig,
        sandbox: SandboxConfig,
    ) -> None:
        self.config = sandbox
        self.use_sigma = train.sigma is not None and fit.loss in ("auto", "chi2")
        self._init = {
            "mode": "fit",
            "train": (train.x, train.y, train.sigma),
            "test": None if test is None else (test.x, test.y),
            "max_nparams": max_nparams,
            "fit": fit,
            "memory_mb": sandbox.memory_mb,
        }
        self._truth = _Truth(
            train.y,
            train.sigma if self.use_sigma else None,
            None if test is None else test.y,
            max_nparams,
        )
        self._idle: list[_Process] = []
        self._symbolic: _Process | None = None
        self.restarts = 0
        self.confinement: dict[str, Any] = {}  # as the last started program worker reported

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for process in self._idle:
            process.kill()
        self._idle.clear()
        if self._symbolic is not None:
            self._symbolic.kill()
            self._symbolic = None

    def _take(self) -> _Process:
        if self._idle:
            return self._idle.pop()
        process = _Process(self._init)
        self.confinement = process.confinement
        return process

    def evaluate(self, jobs: Sequence[FitJob]) -> list[Evaluation]:
        """Fit every job, in parallel over up to ``workers`` processes; results in job order."""
        results: list[Evaluation | None] = [None] * len(jobs)
        pending = list(enumerate(jobs))
        running: dict[int, tuple[_Process, int, float]] = {}
        while pending or running:
            while pending and len(running) < max(1, self.config.workers):
                index, job = pending.pop(0)
                process = self._take()
                request = {
                    "id": index,
                    "kind": "fit",
                    "source": job.source,
                    "used": job.used,
                    "seed": job.seed,
                    "use_sigma": self.use_sigma,
                }
                try:
                    process.send(request)
                except WorkerDied as error:
                    process.kill()
                    self.restarts += 1
                    results[index] = Evaluation(ok=False, error=f"sandbox worker died: {error}")
                    continue
                running[process.fileno()] = (
                    process,
                    index,
                    time.monotonic() + self.config.timeout_seconds,
                )
            if not running:
                continue
            now = time.monotonic()
            wait = max(0.0, min(deadline for _, _, deadline in running.values()) - now)
            ready, _, _ = select.select(list(running), [], [], wait)
            for fd in ready:
                process, index, _ = running.pop(fd)
                results[index] = self._collect(process)
            now = time.monotonic()
            for fd, (process, index, deadline) in list(running.items()):
                if now >= deadline and fd not in ready:
                    running.pop(fd)
                    process.kill()
                    self.restarts += 1
                    limit = self.config.timeout_seconds
                    results[index] = Evaluation(
                        ok=False, error=f"timed out after {limit:g} s", killed=True
                    )
        return [r for r in results if r is not None]

    def _collect(self, process: _Process) -> Evaluation:
        try:
            reply = process.read()
        except WorkerDied as error:
            process.kill()
            self.restarts += 1
            return Evaluation(
                ok=False, error=f"the program killed its sandbox ({error})", killed=True
            )
        if reply.get("recycle") or process.proc.poll() is not None:
            process.kill()  # the worker exits after a memory or recursion error: start afresh
        else:
            self._idle.append(process)
        return Evaluation.from_reply(reply, self._truth)

    def symbolic(
        self,
        source: str,
        names: Sequence[str],
        params: Sequence[float],
        reference: float | None = None,
        simplify: bool = True,
    ) -> dict[str, Any] | None:
        """Simplify a program to a sympy expression in a separate process; ``None`` on failure.

        The reply's ``expression`` evaluates on the training data to ``nmse``; ``verified``
        says whether that equals ``reference`` (the NMSE the fit worker reported).  When
        simplification runs past its time limit, or ``simplify`` is false, the unsimplified
        expression is returned.
        """
        for simplified in (True, False) if simplify else (False,):
            reply = self._symbolic_request(source, names, params, simplified, reference)
            if reply is not None:
                return reply
        return None

    def _symbolic_request(
        self,
        source: str,
        names: Sequence[str],
        params: Sequence[float],
        simplify: bool,
        reference: float | None,
    ) -> dict[str, Any] | None:
        if self._symbolic is None or self._symbolic.proc.poll() is not None:
            init = {**self._init, "mode": "symbolic", "test": None}
            try:
                self._symbolic = _Process(init)
            except RuntimeError:
                return None
        process = self._symbolic
        request = {
            "id": 0,
            "kind": "symbolic",
            "source": source,
            "names": list(names),
            "params": list(params),
            "simplify": simplify,
            "reference": reference,
        }
        try:
            process.send(request)
            reply = process.receive(time.monotonic() + self.config.simplify_timeout_seconds)
        except (TimeoutError, WorkerDied):
            process.kill()
            self._symbolic = None
            return None
        return reply if reply.get("ok") else None

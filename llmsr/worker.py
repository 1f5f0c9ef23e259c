"""The sandbox worker process: runs untrusted equation programs under resource limits.

Started by ``sandbox.SandboxPool`` as ``python -m lagrangian.llmsr.worker``.  It receives the
data once, then fits one program per request.  Before the first program runs it imports
everything it will need and then locks itself down: an address-space limit (memory bombs
fail), a zero file-size limit and a file-descriptor limit (no new files or sockets can be
opened), no child processes, stdout detached from the protocol pipe (programs cannot forge
replies).  Programs run with only whitelisted numpy functions and builtins in scope; the
parent enforces the wall-clock limit by killing the process.

Requests arrive as length-prefixed pickles from the trusted parent; replies go back as
length-prefixed JSON, so a compromised worker cannot make the parent execute anything.  A fit
reply carries the fitted constants and the predictions on the training and test data, not a
loss: the parent computes every error measure itself, so a worker cannot claim a loss that
its predictions do not have.
"""

from __future__ import annotations

import base64
import builtins
import json
import os
import pickle
import resource
import signal
import struct
import sys
import time
import types
from typing import Any, BinaryIO

import numpy as np

from .confinement import Confinement, confine
from .domain import PROBE, DenominatorProbe, domain_points, domain_problem, instrument
from .fitting import fit_parameters
from .safety import BUILTINS, NUMPY_NAMES

_HEADER = struct.Struct(">I")


def read_message(stream: BinaryIO) -> bytes | None:
    """One length-prefixed message, or ``None`` at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    return payload if len(payload) == size else None


def write_message(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def encode_array(values: np.ndarray) -> str:
    """Float64 values as base64 text (JSON-safe, exact, compact; NaN and inf survive)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode()


def decode_array(text: object, size: int) -> np.ndarray:
    """The inverse of ``encode_array``; ``ValueError`` unless it holds exactly ``size`` floats."""
    if not isinstance(text, str):
        raise ValueError("not an encoded array")
    raw = base64.b64decode(text.encode(), validate=True)
    if len(raw) != 8 * size:
        raise ValueError("wrong number of values")
    return np.frombuffer(raw, dtype="<f8")


def safe_namespace() -> dict[str, Any]:
    """Globals for program execution: whitelisted builtins and a numpy stand-in, nothing else."""
    numpy_view = types.SimpleNamespace(**{name: getattr(np, name) for name in NUMPY_NAMES})
    allowed = {name: getattr(builtins, name) for name in BUILTINS}
    return {"__builtins__": allowed, "np": numpy_view, "numpy": numpy_view}


def compile_program(source: str, extra: dict[str, Any] | None = None) -> Any:
    namespace = {**safe_namespace(), **(extra or {})}
    exec(compile(source, "<program>", "exec"), namespace)
    return namespace["equation"]


_DISARMED = {
    "os": """system popen fork forkpty execv execve execl execle execlp execlpe execvp execvpe
        spawnv spawnve spawnl spawnle spawnlp spawnlpe spawnvp spawnvpe posix_spawn posix_spawnp
        kill killpg unlink remove rmdir removedirs rename renames replace truncate chmod lchmod
        chown lchown link symlink mkdir makedirs mkfifo mknod utime putenv unsetenv chdir chroot
        write pwrite writev setuid setgid""",
    "_posixsubprocess": "fork_exec",
    "_ctypes": "dlopen LoadLibrary",
    "ctypes": "CDLL PyDLL cdll pydll pythonapi CFUNCTYPE PYFUNCTYPE cast memmove memset",
}


def _disarm() -> None:
    """Remove process, file-system and foreign-call entry points from already loaded modules.

    Defence in depth behind the allow-list: the worker already imported modules such as
    ``os`` and ``ctypes`` (scipy needs them); code that somehow reached them would otherwise
    not need to open a file to spawn a process or delete one.
    """
    for module_name, names in _DISARMED.items():
        modules = [sys.modules.get(module_name)]
        if module_name == "os":
            modules.append(sys.modules.get("posix"))
        for module in modules:
            for name in names.split():
                if module is not None and hasattr(module, name):
                    delattr(module, name)


def _lock_down(memory_mb: int, protocol_fd: int, runs_programs: bool) -> Confinement:
    """Confine the process (see ``confinement``), then impose the resource limits.

    The symbolic worker never executes program code (it interprets the checked syntax tree),
    and sympy imports modules lazily deep inside ``simplify``, so it keeps the right to open
    files; it still gets the memory and file-size limits.  ``RLIMIT_NPROC`` = 0 stops fork
    only because the program worker no longer runs as root.
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    state = confine(runs_programs)
    limits = [
        (resource.RLIMIT_AS, memory_mb * 1024 * 1024),
        (resource.RLIMIT_FSIZE, 0),
        (resource.RLIMIT_CORE, 0),
    ]
    if runs_programs:
        limits += [(resource.RLIMIT_NOFILE, protocol_fd + 1), (resource.RLIMIT_NPROC, 0)]
        _disarm()
    for kind, value in limits:
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            if kind in (resource.RLIMIT_AS, resource.RLIMIT_FSIZE):
                raise
    return state


class _Worker:
    """State of one worker: the data, the fit settings, and request handlers."""

    def __init__(self, init: dict[str, Any]) -> None:
        self.train_x, self.train_y, self.train_sigma = init["train"]
        self.test = init["test"]
        self.max_nparams: int = init["max_nparams"]
        self.fit_config = init["fit"]

    def fit(self, request: dict[str, Any]) -> dict[str, Any]:
        start = time.perf_counter()
        function = compile_program(request["source"])
        columns = list(self.train_x.T)

        def predict_on(cols: list[np.ndarray], y: np.ndarray, params: np.ndarray) -> np.ndarray:
            value = np.asarray(function(*cols, params), dtype=float)
            if params.ndim > 1:
                return value  # a batch of parameter vectors; the fitter checks the shape
            return np.broadcast_to(value, y.shape) if value.shape != y.shape else value

        sigma = self.train_sigma if request["use_sigma"] else None
        outcome = fit_parameters(
            lambda p: predict_on(columns, self.train_y, p),
            self.train_y,
            sigma,
            self.max_nparams,
            request["used"],
            self.fit_config,
            np.random.default_rng(request["seed"]),
        )
        if not np.isfinite(outcome.loss) or outcome.loss >= 1e99:
            return {"ok": False, "error": "the loss is not finite for any parameters tried"}
        problem = self._domain_problem(request, outcome.params)
        if problem is not None:
            return {"ok": False, "error": problem}
        with np.errstate(all="ignore"):
            train = predict_on(columns, self.train_y, outcome.params)
            test = None
            if self.test is not None:
                test_x, test_y = self.test
                test = predict_on(list(test_x.T), test_y, outcome.params)
        return {
            "ok": True,
            "params": [float(v) for v in outcome.params],
            "train": encode_array(train),
            "test": None if test is None else encode_array(test),
            "evaluations": outcome.evaluations,
            "seconds": time.perf_counter() - start,
        }

    def _domain_problem(self, request: dict[str, Any], params: np.ndarray) -> str | None:
        """A pole or undefined value of the fitted program anywhere in the data's domain."""
        probe = DenominatorProbe()
        run = compile_program(instrument(request["source"]), {PROBE: probe})
        boxes = [self.train_x] + ([self.test[0]] if self.test is not None else [])
        points = domain_points(boxes, np.random.default_rng(request["seed"]))
        return domain_problem(run, probe, points, params)

    def symbolic(self, request: dict[str, Any]) -> dict[str, Any]:
        from .symbolic import to_sympy_result

        names = request["names"]
        nonnegative = [
            n for n, column in zip(names, self.train_x.T, strict=True) if column.min() >= 0
        ]
        result = to_sympy_result(
            request["source"],
            names,
            request["params"],
            request["simplify"],
            nonnegative,
            data=(self.train_x, self.train_y),
            reference=request.get("reference"),
        )
        return {"ok": True, **result}


def _handle(worker: _Worker, request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Reply to one request; the flag says whether this process must exit afterwards."""
    try:
        if request["kind"] == "fit":
            return worker.fit(request), False
        return worker.symbolic(request), False
    except MemoryError:
        return {"ok": False, "error": "the program ran out of memory"}, True
    except RecursionError:
        return {"ok": False, "error": "the program recursed too deeply"}, True
    except Exception as error:  # untrusted code may raise anything; report it as a rejection
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}, False


def _warm_up(worker: _Worker) -> None:
    """Run one tiny fit so that every lazily imported module is loaded before lock-down."""
    args = ", ".join(f"x{i}" for i in range(worker.train_x.shape[1]))
    source = f"def equation({args}, params):\n    return params[0] * x0 + params[1]\n"
    worker.fit({"source": source, "used": [0, 1], "seed": 0, "use_sigma": False})


def main() -> int:
    # The protocol moves off stdin/stdout, which the confinement points at /dev/null.
    protocol_in = os.fdopen(os.dup(0), "rb")
    protocol_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = sys.stderr
    first = read_message(protocol_in)
    if first is None:
        return 1
    init = pickle.loads(first)
    worker = _Worker(init)
    if init["mode"] == "symbolic":
        import sympy  # noqa: F401  (loaded before lock-down: imports need to open files)

        from . import symbolic  # noqa: F401
    else:
        _warm_up(worker)
    np.seterr(all="ignore")
    protocol_fd = max(protocol_in.fileno(), protocol_out.fileno())
    state = _lock_down(init["memory_mb"], protocol_fd, runs_programs=init["mode"] == "fit")
    ready = {"ready": True, "confinement": state.to_dict()}
    write_message(protocol_out, json.dumps(ready).encode())
    while True:
        message = read_message(protocol_in)
        if message is None:
            return 0
        request = pickle.loads(message)
        reply, must_exit = _handle(worker, request)
        reply["id"] = request["id"]
        reply["recycle"] = must_exit
        try:
            payload = json.dumps(reply, allow_nan=False)
        except (TypeError, ValueError):
            payload = json.dumps({"id": request["id"], "ok": False, "error": "non-finite result"})
        write_message(protocol_out, payload.encode())
        if must_exit:
            return 0


if __name__ == "__main__":
    sys.exit(main())

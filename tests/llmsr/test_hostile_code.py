"""The second barrier: hostile programs that bypass the AST check are still contained.

Every program here is sent to the sandbox directly, as if the allow-list had a hole: it first
reaches the real builtins through ``object.__subclasses__`` (which the allow-list forbids),
then attacks.  The table in docs/llmsr.md lists the same attacks and what stops each.  The
last test runs the kernel-enforced layers alone (no audit hook) in a child process, to show
they hold by themselves; it needs root, as CI has, because dropping root is one of them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lagrangian.llmsr.sandbox import Evaluation, FitJob, SandboxPool, _Truth

ESCAPE = (
    "def equation(pT, params):\n"
    "    b = ().__class__.__base__.__subclasses__()\n"
    "    w = [c for c in b if c.__name__ == 'catch_warnings'][0]\n"
    "    bi = w()._module.__builtins__\n"
    "    imp = bi['__import__']\n"
    "    value = {action}\n"
    "    return params[0] * pT\n"
)

ATTACKS = {
    "read a file": "bi['open']({marker!r}).read()",
    "write a file": "bi['open']({target!r}, 'w').write('owned')",
    "truncate a file": "imp('os').truncate({target!r}, 0)",
    "fork": "imp('os').fork()",
    "os.system": "imp('os').system('touch {target}')",
    "subprocess": "imp('subprocess').run(['touch', {target!r}])",
    "ctypes fork": "imp('ctypes').CDLL(None).fork()",
    "ctypes loader": "imp('ctypes').cdll.LoadLibrary('libc.so.6').fork()",
    "signal the parent": "imp('os').kill(imp('os').getppid(), 9)",
    "open a socket": "imp('socket').socket()",
    "read the data through frames": "imp('sys')._getframe(1).f_back.f_locals",
    "write a fake reply": "imp('os').write(4, b'forged')",
    "import a fresh module": "imp('smtplib')",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    folder.chmod(0o777)
    marker = folder / "secret.txt"
    marker.write_text("secret-marker")
    marker.chmod(0o600)
    target = folder / "keep.txt"
    target.write_text("keep")
    target.chmod(0o666)  # writable by anyone: only the sandbox can stop the write
    return marker, target


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_program_is_contained(pool: SandboxPool, files, attack: str) -> None:  # type: ignore[no-untyped-def]
    marker, target = files
    action = ATTACKS[attack].format(marker=str(marker), target=str(target))
    [result] = pool.evaluate([FitJob(ESCAPE.format(action=action), [0], 0)])
    assert not result.ok
    assert "secret-marker" not in result.error
    assert target.read_text() == "keep"
    assert pool.evaluate(
        [FitJob("def equation(pT, params):\n    return params[0] * pT\n", [0], 0)]
    )[0].ok


def test_workers_report_their_confinement(pool: SandboxPool) -> None:
    pool.evaluate([FitJob("def equation(pT, params):\n    return params[0] * pT\n", [0], 0)])
    state = pool.confinement
    assert state["audit_hook"] and state["empty_directory"] and state["null_stdio"]
    if os.geteuid() == 0:
        assert state["uid"] != 0
    if sys.platform.startswith("linux"):
        assert state["no_new_privs"]


def test_the_parent_scores_predictions_not_claims() -> None:
    y = np.linspace(0, 1, 5)
    truth = _Truth(y, None, None, 1)
    wrong = base64.b64encode(np.zeros(5).tobytes()).decode()
    forged = {"ok": True, "loss": 0.0, "nmse_train": 0.0, "params": [1.0], "train": wrong}
    result = Evaluation.from_reply(forged, truth)
    assert result.ok and result.loss == pytest.approx(float(np.mean(y**2)))
    assert result.nmse_train == pytest.approx(float(np.mean(y**2) / np.var(y)))
    short = {**forged, "train": base64.b64encode(np.zeros(4).tobytes()).decode()}
    assert not Evaluation.from_reply(short, truth).ok


KERNEL_ONLY = r"""
import json, os, resource, socket, sys
from lagrangian.llmsr.confinement import confine
marker, ppid = sys.argv[1], os.getppid()
state = confine(audit=False)
resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
outcome = {"state": state.to_dict()}
def attempt(name, action):
    try:
        action()
        outcome[name] = "succeeded"
    except OSError as error:
        outcome[name] = type(error).__name__
def fork():
    if os.fork() == 0:
        os._exit(0)
attempt("read", lambda: open(marker).read())
attempt("fork", fork)
attempt("socket", lambda: socket.socket().connect(("127.0.0.1", 9)))
attempt("kill", lambda: os.kill(ppid, 0))
attempt("cwd", lambda: os.listdir("."))
os.write(int(sys.argv[2]), json.dumps(outcome).encode())
"""


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root (as in CI)")
def test_kernel_layers_hold_without_the_audit_hook(files) -> None:  # type: ignore[no-untyped-def]
    marker, _ = files
    read_end, write_end = os.pipe()
    child = subprocess.run(
        [sys.executable, "-c", KERNEL_ONLY, str(marker), str(write_end)],
        pass_fds=(write_end,),
        capture_output=True,
        timeout=120,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        outcome = json.loads(pipe.read() or b"{}")
    assert child.returncode == 0, child.stderr
    assert outcome["state"]["uid"] == 65534
    assert {outcome[k] for k in ("read", "fork", "socket", "kill", "cwd")}.isdisjoint(
        {"succeeded"}
    ), outcome

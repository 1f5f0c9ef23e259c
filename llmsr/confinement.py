"""The second barrier: what a sandbox worker gives up before it runs any untrusted program.

The AST allow-list is the first barrier; this one must hold even if the allow-list had a
hole, so it does not rely on Python-level restrictions alone.  In order (each step needs the
privileges the next one removes):

1. no network, where the kernel lets us: a new, empty network namespace (``unshare``);
2. an empty working directory that no longer exists (created, entered, removed);
3. stdin, stdout and stderr on ``/dev/null`` (the protocol uses other descriptors);
4. when started as root: supplementary groups dropped, then gid and uid set to ``nobody``
   (root ignores ``RLIMIT_NPROC`` and file permissions, so this is what makes the limits bite
   and keeps the worker away from root's files and processes);
5. ``PR_SET_NO_NEW_PRIVS`` (no set-uid program or file capability can give privileges back);
6. a seccomp filter, on x86-64 Linux, that makes process creation, program execution,
   signals to other processes, tracing and sockets fail with EPERM;
7. an audit hook (``sys.addaudithook``, cannot be removed) that refuses opening files,
   sockets, processes, signals, ``ctypes`` and frame/``gc`` introspection from Python.

Resource limits (memory, file size, descriptors, processes) are set by the worker itself.
What was achieved is reported in ``Confinement`` so the tests and the docs can say which
layers held on a given machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import platform
import struct
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_NOBODY = 65534

# x86-64 system calls refused by the seccomp filter.
_BLOCKED_SYSCALLS = {
    "socket": 41,
    "connect": 42,
    "clone": 56,
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "kill": 62,
    "ptrace": 101,
    "tkill": 200,
    "tgkill": 234,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "execveat": 322,
    "clone3": 435,
}
_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_SYSCALL_BIT = 0x40000000

# Audit events refused once the worker is locked down (prefixes end with a dot).
_REFUSED_EVENTS = (
    "open",
    "os.",
    "subprocess.",
    "socket.",
    "ctypes.",
    "sys._getframe",
    "sys._current_frames",
    "object.__getattr__",
    "gc.",
    "import",
    "code.__new__",
    "function.__new__",
    "marshal.",
    "shutil.",
    "signal.",
    "pty.",
    "mmap.",
    "webbrowser.",
    "urllib.",
    "http.",
    "builtins.input",
    "sys.setprofile",
    "sys.settrace",
    "cpython.",
)


class RefusedBySandbox(PermissionError):
    """An operation the confined worker is not allowed to perform."""


@dataclass
class Confinement:
    """Which layers of the barrier are in force in this process."""

    network_namespace: bool = False
    empty_directory: bool = False
    null_stdio: bool = False
    uid: int = -1
    no_new_privs: bool = False
    seccomp: bool = False
    audit_hook: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _enter_empty_directory() -> None:
    directory = tempfile.mkdtemp(prefix="llmsr-worker-")
    os.chdir(directory)
    os.rmdir(directory)


def _null_stdio() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _drop_root() -> None:
    os.setgroups([])
    os.setgid(_NOBODY)
    os.setuid(_NOBODY)


def _seccomp_program() -> bytes:
    """A classic-BPF program: refuse the blocked calls with EPERM, allow everything else."""
    allow, refuse = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO|EPERM
    numbers = sorted(_BLOCKED_SYSCALLS.values())
    n = len(numbers)
    # Layout: 0 load arch; 1 arch?; 2 load nr; 3 x32?; 4..3+n blocked?; 4+n allow; 5+n refuse.
    code: list[tuple[int, int, int, int]] = [
        (0x20, 0, 0, 4),  # ld  [arch]
        (0x15, 0, 3 + n, _AUDIT_ARCH_X86_64),  # jeq x86-64, else refuse
        (0x20, 0, 0, 0),  # ld  [nr]
        (0x35, 1 + n, 0, _X32_SYSCALL_BIT),  # jge x32 bit: refuse
    ]
    code += [(0x15, n - i, 0, number) for i, number in enumerate(numbers)]
    code += [(0x06, 0, 0, allow), (0x06, 0, 0, refuse)]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in code)


def _install_seccomp(libc: Any) -> None:
    program = _seccomp_program()
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = struct.pack("HxxxxxxP", len(program) // 8, ctypes.addressof(buffer))
    fprog_buffer = ctypes.create_string_buffer(fprog, len(fprog))
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, fprog_buffer, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    refused = (
        event == name or (name.endswith(".") and event.startswith(name)) for name in _REFUSED_EVENTS
    )
    if any(refused):
        raise RefusedBySandbox(f"refused by the sandbox: {event}")


def confine(runs_programs: bool = True, audit: bool = True) -> Confinement:
    """Apply every layer this machine allows; return which ones are in force.

    Must run after everything the worker needs is imported (imports open files) and before
    the first untrusted program.  Failures of optional layers are recorded, not raised; the
    root drop and the audit hook are not optional.  A worker that never executes program
    code (the symbolic one, which interprets the checked syntax tree and imports parts of
    sympy lazily) keeps its uid and may open files: it only loses the network, its stdio
    and the right to regain privileges.  ``audit=False`` leaves out the audit hook, so that
    the tests can show the kernel-enforced layers holding on their own.
    """
    state = Confinement()
    libc = _libc()
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        if libc.unshare(_CLONE_NEWNET) == 0:
            state.network_namespace = True
        else:
            state.notes.append(f"unshare(CLONE_NEWNET): {os.strerror(ctypes.get_errno())}")
    _null_stdio()
    state.null_stdio = True
    if not runs_programs:
        state.no_new_privs = libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
        state.uid = os.geteuid()
        return state
    _enter_empty_directory()
    state.empty_directory = True
    if os.geteuid() == 0:
        _drop_root()
    state.uid = os.geteuid()
    if sys.platform.startswith("linux"):
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
            state.no_new_privs = True
        if state.no_new_privs and platform.machine() in ("x86_64", "AMD64"):
            with contextlib.suppress(OSError):
                _install_seccomp(libc)
                state.seccomp = True
    if audit:
        sys.addaudithook(_audit_hook)
        state.audit_hook = True
    return state

"""Device and precision choice for inference: ``auto`` = cuda -> mps -> cpu.

Half precision is used only where it pays and is safe: bf16 on CUDA GPUs that support it
(no loss scaling needed, same exponent range as fp32), fp16 on older CUDA GPUs and on Apple
GPUs, fp32 on the CPU (CPU half-precision matmuls are slow and less accurate).
"""

from __future__ import annotations

from typing import Any

DEVICE_CHOICES = ("auto", "cuda", "mps", "cpu")


class DeviceError(ValueError):
    """A requested device that does not exist on this machine."""


def resolve_device(name: str = "auto") -> Any:
    """The ``torch.device`` for ``name`` (``auto``, ``cpu``, ``cuda``, ``cuda:N``, ``mps``)."""
    import torch

    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise DeviceError(
            f"unknown device {name!r}; use one of {', '.join(DEVICE_CHOICES)}"
        ) from error
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"device {name!r} requested but CUDA is not available here")
        if device.index is not None and device.index >= torch.cuda.device_count():
            count = torch.cuda.device_count()
            raise DeviceError(f"device {name!r} requested but only {count} CUDA device(s) exist")
    elif device.type == "mps" and not torch.backends.mps.is_available():
        raise DeviceError(f"device {name!r} requested but Apple MPS is not available here")
    elif device.type not in ("cpu", "cuda", "mps"):
        raise DeviceError(f"unsupported device {name!r}; use one of {', '.join(DEVICE_CHOICES)}")
    return device


def inference_dtype(device: Any) -> Any:
    """The floating-point type to run a model in on ``device`` (see the module docstring)."""
    import torch

    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "mps":
        return torch.float16
    return torch.float32


def training_precision(device: Any) -> str:
    """The ``accelerate`` mixed-precision mode for training on ``device``.

    Weights stay fp32 (mixed precision, not half-precision training); CPU and MPS train in
    plain fp32 because autocast brings them no speed-up worth its numerical risk.
    """
    import torch

    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "no"


def describe_device(device: Any) -> str:
    """A human-readable device name, e.g. ``cuda:0 (NVIDIA H100)`` or ``cpu``."""
    import torch

    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    return str(device)


def set_cpu_threads(threads: int | None) -> None:
    """Limit torch's CPU threads (``None`` keeps torch's default of one per core).

    On a machine shared with other work, torch's spinning worker threads can make a
    small model an order of magnitude slower; one or two threads are then faster.
    """
    if threads is None:
        return
    if threads < 1:
        raise DeviceError("the number of CPU threads must be at least 1")
    import torch

    torch.set_num_threads(threads)

"""The program proposers ("backends") and how one is chosen from a ``--llm`` value.

All backends answer ``sample(prompt, n)`` with up to ``n`` reply texts; the search extracts
and checks the programs itself, so a backend never needs to be trusted.  Failures inside a
backend (timeouts, rate limits, broken replies) are retried or skipped and counted in its
``stats``, never raised: only a backend that cannot be used at all (unreachable endpoint,
unloadable model folder) raises ``BackendError`` when it is created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BackendError
from .protocol import Backend, BackendStats

__all__ = ["Backend", "BackendStats", "make_backend"]


def make_backend(llm: str | None, seed: int = 0, **options: Any) -> Backend:
    """``builtin`` (or nothing), an ``http(s)://`` endpoint, or a local model folder."""
    value = (llm or "builtin").strip()
    if value == "builtin":
        from .builtin import BuiltinProposer

        return BuiltinProposer(seed=seed)
    if value.startswith(("http://", "https://")):
        from .openai_compatible import OpenAIBackend

        return OpenAIBackend(value, **options)
    path = Path(value).expanduser()
    if path.is_dir():
        from .local import TransformersBackend

        return TransformersBackend(path, seed=seed, **options)
    raise BackendError(
        f"--llm {value!r} is neither 'builtin', an http(s):// URL, nor an existing model folder"
    )

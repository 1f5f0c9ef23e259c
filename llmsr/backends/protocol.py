"""What every program proposer is: the ``Backend`` protocol and its ``BackendStats``.

Its own module, below ``backends`` (which chooses one) and the three backends (which
implement it), so that none of them imports another: ``backends`` names the
implementations, and they only need this.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

from ..prompts import Prompt


@dataclass
class BackendStats:
    """Counters of a backend's requests and their failures."""

    requests: int = 0
    replies: int = 0
    failures: int = 0
    retries: int = 0
    timeouts: int = 0
    rate_limited: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class Backend(Protocol):
    """Something that proposes equation programs for a prompt."""

    name: str
    stats: BackendStats

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        """Up to ``n`` reply texts; fewer (even none) when requests failed."""
        ...

    def close(self) -> None: ...

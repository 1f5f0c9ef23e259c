"""Who the language server trusts, and the limits it keeps with a client it does not.

Over stdio the editor that started the server, and its user, are trusted: documents may
be read from disk, settings choose the model and the LLM.  Over a network transport
(the playground, ``lagrangian lsp --ws`` and ``--tcp``) the client is anybody who can
reach the port, a web page in somebody's browser included, so the server runs with an
untrusted ``Policy``: documents exist only as the client sends them, nothing a client
writes names a file or an endpoint, the operator's command-line flags fix every setting
that loads code or calls out, and every resource a client can make the server spend has
a limit answered with a clear error.  docs/security.md is the threat model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lagrangian.server.lsp.settings import Settings

OPERATOR_SETTINGS = {
    "completion_source": "completionSource",
    "model_server_url": "modelServerUrl",
    "device": "device",
    "fit_llm": "fit.llm",
}


@dataclass(frozen=True)
class Limits:
    """What one untrusted client (and all of them together) may make the server hold."""

    message_bytes: int = 1 << 20
    document_chars: int = 200_000
    documents: int = 16
    fit_budget: int = 400
    fits_per_connection: int = 1
    fits: int = 2
    connections: int = 32


class FitSlots:
    """Fits running at once, across every connection of one process.

    Only the event loop's thread touches the counter, so a plain integer is enough.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.running = 0

    def take(self) -> bool:
        if self.running >= self.size:
            return False
        self.running += 1
        return True

    def give_back(self) -> None:
        self.running = max(self.running - 1, 0)


@dataclass
class Policy:
    """Trusted (stdio) or untrusted (network) mode, with the operator's fixed settings.

    ``operator`` holds the settings an untrusted client can never change (the model, the
    model server, the LLM behind ``fit``); ``fit_slots`` is shared by every connection
    of one server process.
    """

    trusted: bool = True
    limits: Limits = field(default_factory=Limits)
    operator: Settings | None = None
    fit_slots: FitSlots | None = None

    @classmethod
    def untrusted(cls, operator: Settings, limits: Limits | None = None) -> Policy:
        limits = limits or Limits()
        return cls(False, limits, operator, FitSlots(limits.fits))

    def confine(self, settings: Settings) -> tuple[Settings, list[str]]:
        """``settings`` with the operator's values where the client may not choose.

        ``settings`` were read on top of already confined ones, so every operator setting
        that differs was changed by the client: each comes back as a problem, so the
        client's log says why its value did not apply.
        """
        if self.trusted or self.operator is None:
            return settings, []
        problems = []
        fixed = {name: getattr(self.operator, name) for name in OPERATOR_SETTINGS}
        for name, key in OPERATOR_SETTINGS.items():
            if getattr(settings, name) != fixed[name]:
                problems.append(
                    f"lagrangian.{key} is fixed by the server's operator on this connection "
                    f"({fixed[name]!r}); the client's {getattr(settings, name)!r} is ignored"
                )
        return replace(settings, **fixed), problems

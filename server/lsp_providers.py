"""Where completion proposals come from: pluggable providers, the exact engine underneath.

A provider looks at a checked document and proposes terms it lacks.  The exact engine
(``physics.missing``) is always one of them, and always the last: it is complete and
cannot be wrong, so whatever another provider misses it fills in.  The BART model
(issue 5) plugs in as a provider in front of it.  The model package cannot import the
server (dependencies point down), so the contract is structural: a provider is any object
with ``name`` and ``propose(snapshot, cancel)`` returning objects with ``term`` (a
``physics.api.EngineTerm``, already verified), ``source`` and ``score``.

The model side is looked up lazily as ``lagrangian.model.lsp_provider.make_provider(
settings)``; until that module exists, ``completionSource: "model"`` quietly means the
exact engine, and the status says so.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from lagrangian.server.lsp_settings import Settings

if TYPE_CHECKING:
    from lagrangian.physics.api import EngineTerm
    from lagrangian.server.documents import Snapshot
    from lagrangian.server.lsp_tasks import Cancellation

MODEL_PROVIDER_MODULE = "lagrangian.model.lsp_provider"


class ProposalLike(Protocol):
    term: EngineTerm
    source: str
    score: float | None


class CompletionProvider(Protocol):
    """Proposes terms a document lacks; ``propose`` runs on a worker thread."""

    name: str

    def propose(self, snapshot: Snapshot, cancel: Cancellation) -> list[ProposalLike]: ...


@dataclass(frozen=True)
class Proposal:
    """One proposed term and who proposed it (``engine`` or ``model``)."""

    term: EngineTerm
    source: str
    score: float | None = None


class ExactProvider:
    """The missing terms according to the exact group-theory engine."""

    name = "engine"

    def propose(self, snapshot: Snapshot, cancel: Cancellation) -> list[ProposalLike]:
        cancel.check()
        return [Proposal(term, self.name) for term in snapshot.missing()]


_LOADED: dict[tuple[str, str], tuple[CompletionProvider | None, str]] = {}
_LOADING = threading.Lock()


def load_model_provider(settings: Settings) -> tuple[CompletionProvider | None, str]:
    """The model's provider, or None and why not (a readable reason for the log).

    One per process and model location: every playground connection has its own server,
    but they must not each load a model.  May import torch: call it on a worker thread,
    after ``initialized``.
    """
    key = (settings.model_server_url, settings.device)
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = _load(settings)
        return _LOADED[key]


def _load(settings: Settings) -> tuple[CompletionProvider | None, str]:
    try:
        module = import_module(MODEL_PROVIDER_MODULE)
    except ImportError as error:
        return None, f"the model provider is not available ({error}); using the exact engine"
    make = getattr(module, "make_provider", None)
    if make is None:
        return None, f"{MODEL_PROVIDER_MODULE} has no make_provider(); using the exact engine"
    try:
        return make(settings), "model provider loaded"
    except Exception as error:  # a broken checkpoint must not take the server down
        return None, f"the model could not be loaded ({error}); using the exact engine"


def merge(proposals: list[list[ProposalLike]]) -> list[ProposalLike]:
    """Proposals in provider order; later providers only fill what earlier ones missed.

    Terms are matched by monomial, not by contraction: a monomial with several invariants
    may be proposed in another basis, so a later provider adds only as many terms of a
    monomial as it has beyond those already proposed.
    """
    taken: Counter[object] = Counter()
    merged: list[ProposalLike] = []
    for batch in proposals:
        offered: Counter[object] = Counter()
        for proposal in batch:
            key = _monomial(proposal.term)
            offered[key] += 1
            if offered[key] > taken[key]:
                merged.append(proposal)
        taken = taken | offered
    return merged


def _monomial(term: EngineTerm) -> object:
    t = term.term
    return (t.kind, t.occurrences, t.strength)

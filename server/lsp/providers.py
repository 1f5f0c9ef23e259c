"""Where completion proposals come from: pluggable providers, the exact engine underneath.

A provider looks at a checked document and proposes terms it lacks.  The exact engine
(``physics.missing``) is always one of them, and always the last: it is complete and
cannot be wrong, so whatever another provider misses it fills in.  The BART model
(issue 5) plugs in as a provider in front of it, through the model package's entry point
for the server, ``lagrangian.model.pipeline.ModelCompleter`` (a checkpoint folder loaded
in-process, or a ``lagrangian model-server`` URL), whose terms are verified by the engine
before they get here.  A provider is any object with ``name`` and ``propose(snapshot,
cancel)`` returning objects with ``term`` (a ``physics.api.EngineTerm``), ``source`` and
``score``; the protocol is structural, so other providers need not import the server.

When the model cannot be loaded (no checkpoint yet, an unreachable server, no torch),
``completionSource: "model"`` means the exact engine, and the status says why.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from lagrangian.server.lsp.settings import Settings

if TYPE_CHECKING:
    from lagrangian.physics.api import EngineTerm
    from lagrangian.server.lsp.documents import Snapshot
    from lagrangian.server.lsp.tasks import Cancellation

MODEL_PIPELINE = "lagrangian.model.pipeline"


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
    """The missing terms according to the exact group-theory engine, with the explicit
    effective operators up to ``max_dimension`` (the ``maxDimension`` setting)."""

    name = "engine"

    def __init__(self, max_dimension: int = 4) -> None:
        self.max_dimension = max_dimension

    def propose(self, snapshot: Snapshot, cancel: Cancellation) -> list[ProposalLike]:
        cancel.check()
        return [Proposal(term, self.name) for term in snapshot.missing(self.max_dimension)]


class ModelProvider:
    """Terms from the BART model, verified by the engine (``lagrangian.model.pipeline``).

    The model's answer depends only on the fields and the valid written terms, so it is
    kept per ``Snapshot.engine_key()``: generating runs once per change that matters, not
    once per completion request.
    """

    name = "model"

    def __init__(self, completer: Any, cache_size: int = 16) -> None:
        self.completer = completer
        self.cache_size = cache_size
        self.answers: OrderedDict[object, list[ProposalLike]] = OrderedDict()
        self.lock = threading.Lock()

    def propose(self, snapshot: Snapshot, cancel: Cancellation) -> list[ProposalLike]:
        cancel.check()
        key = snapshot.engine_key()
        with self.lock:
            if key in self.answers:
                return self.answers[key]
        proposals = self._ask(snapshot)
        with self.lock:
            self.answers[key] = proposals
            while len(self.answers) > self.cache_size:
                self.answers.popitem(last=False)
        return proposals

    def _ask(self, snapshot: Snapshot) -> list[ProposalLike]:
        from lagrangian.grammar import print_term

        if not self.completer.remote:
            from lagrangian.model.pipeline import complete

            _, pairs = complete(snapshot.analysis, self.completer.loaded())
            return [Proposal(term, source) for term, source in pairs]
        # A model server answers with records; the same engine prints the same text.
        local = {print_term(t.tree, "text"): t for t in snapshot.missing()}
        records = self.completer.complete(snapshot.analysis)
        return [Proposal(local[r["text"]], source) for r, source in records if r["text"] in local]


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
        pipeline = import_module(MODEL_PIPELINE)
    except ImportError as error:
        return None, f"the model package is not available ({error}); using the exact engine"
    where = settings.model_server_url or None
    completer = pipeline.ModelCompleter(where, device=settings.device)
    if not completer.remote:
        from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR

        if not DEFAULT_CHECKPOINT_DIR.is_dir():  # say so without importing torch first
            return None, f"no model checkpoint at {DEFAULT_CHECKPOINT_DIR}; using the exact engine"
    try:
        if not completer.remote:
            completer.loaded()  # load the checkpoint now, on this worker thread
    except Exception as error:  # a missing or broken checkpoint must not stop the server
        return None, f"the model could not be loaded ({error}); using the exact engine"
    return ModelProvider(completer), f"model ready ({where or 'in-process'})"


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

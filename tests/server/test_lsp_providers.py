"""Completion providers: merging model and engine proposals, and the model provider on a
real (untrained) checkpoint."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from lagrangian.server.lsp.documents import build_snapshot
from lagrangian.server.lsp.providers import ExactProvider, ModelProvider, Proposal, merge
from lagrangian.server.lsp.tasks import Cancellation, Cancelled

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DECLARATIONS = (EXAMPLES / "type2_seesaw.lag").read_text().split("\nL =")[0]
DOCUMENT = DECLARATIONS + "\nL = - m2 H^dagger H\n"


def monomials(proposals: list) -> list:
    return sorted((p.term.term.kind, p.term.term.occurrences) for p in proposals)


def test_later_providers_only_fill_what_earlier_ones_missed() -> None:
    snapshot = build_snapshot("file:///p.lag", 1, DOCUMENT, "lag")
    engine = ExactProvider().propose(snapshot, Cancellation())
    quartics = [p for p in engine if p.term.term.kind == "quartic"]
    assert len({p.term.term.occurrences for p in quartics}) < len(quartics)  # several per monomial
    # The "model" proposes two terms, one of them twice over (another basis of a monomial
    # with several invariants): the engine then adds only what is still missing.
    model = [Proposal(quartics[1].term, "model"), Proposal(engine[0].term, "model")]
    merged = merge([model, engine])
    assert merged[:2] == model
    assert monomials(merged) == monomials(engine)
    assert [p.source for p in merged].count("model") == 2


def test_cancelled_proposals_raise() -> None:
    snapshot = build_snapshot("file:///p.lag", 1, DOCUMENT, "lag")
    cancel = Cancellation()
    cancel.cancel()
    with pytest.raises(Cancelled):
        ExactProvider().propose(snapshot, cancel)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
def test_model_provider_on_an_untrained_checkpoint(tmp_path: Path) -> None:
    import torch

    from lagrangian.model.checkpoint import CheckpointMetadata, save_checkpoint
    from lagrangian.model.codec import codec_by_name
    from lagrangian.model.pipeline import ModelCompleter
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec

    torch.set_num_threads(1)
    tokenizer = tokenizer_for_codec(codec_by_name("compact"))
    network = build_model(get_preset("tiny"), tokenizer, seed=0)
    folder = save_checkpoint(
        tmp_path, network, tokenizer, CheckpointMetadata(codec="compact", preset="tiny")
    )
    provider = ModelProvider(ModelCompleter(folder, device="cpu"))
    snapshot = build_snapshot("file:///p.lag", 1, DOCUMENT, "lag")
    proposals = provider.propose(snapshot, Cancellation())
    # Whatever an untrained model says is verified; the engine fills in the rest.
    assert {p.source for p in proposals} <= {"model", "engine"}
    assert monomials(proposals) == monomials(ExactProvider().propose(snapshot, Cancellation()))
    edited = build_snapshot("file:///p.lag", 2, "# comment\n" + DOCUMENT, "lag")
    assert provider.propose(edited, Cancellation()) is proposals  # same fields and terms

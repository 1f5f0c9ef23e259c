"""Batched seq2seq generation: source token lists in, scored target token lists out.

Every hypothesis is scored by its exact log-probability under the model, computed in one
teacher-forced pass over the generated sequences.  The scores that ``generate`` reports are
not that: beam scores are length-normalised and sampling scores include the temperature
and top-k/top-p warping, so they are not comparable between strategies.  One extra forward
pass (cheap next to autoregressive decoding) gives a score that means the same thing for
beam search, greedy decoding and sampling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lagrangian.model.checkpoint import LoadedModel

if TYPE_CHECKING:
    from lagrangian.model.constrained import Grammar


@dataclass(frozen=True)
class GenerationSettings:
    """How to decode.  Greedy by default: on 200 held-out sets the shipped checkpoint got
    48.0% of Lagrangians exactly right greedily and 36.5% with 4 beams, at 2–5 times the cost
    (issue 17; docs/model.md).  ``num_beams`` > 1 is beam search; ``do_sample`` samples.

    ``max_new_tokens`` ``None`` means as long as the model's context allows;
    ``batch_size`` is the number of sources per forward call (memory bound); ``window``
    (operators format only) answers field sets of more fields from every subset of this many
    (``model.windows``); ``None`` takes the checkpoint's choice (its metadata's
    ``extra.window``), 0 turns windows off.  ``constrained`` (through ``pipeline.generate``)
    lets the decoder write only monomials that pass the necessary conditions of
    ``model.constrained``; ``None``, the default, constrains the formats that allow it
    (operators, units): on 200 held-out sets that took the shipped checkpoint from 53.0% to
    58.0% exactly right.
    """

    num_beams: int = 1
    num_return_sequences: int = 1
    do_sample: bool = False
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    max_new_tokens: int | None = None
    seed: int | None = None
    batch_size: int = 32
    window: int | None = None
    constrained: bool | None = None

    def check(self) -> None:
        """Raise ``ValueError`` naming the first inconsistent setting."""
        if self.num_beams < 1:
            raise ValueError("num_beams must be at least 1")
        if self.num_return_sequences < 1:
            raise ValueError("num_return_sequences must be at least 1")
        if not self.do_sample and self.num_return_sequences > self.num_beams:
            raise ValueError(
                f"num_return_sequences ({self.num_return_sequences}) cannot exceed "
                f"num_beams ({self.num_beams}) in beam search"
            )
        if self.temperature <= 0:
            raise ValueError("temperature must be positive")
        if self.top_k < 0:
            raise ValueError("top_k must be 0 (off) or positive")
        if not 0 < self.top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")
        if self.max_new_tokens is not None and self.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.window is not None and 0 < self.window < 4:
            raise ValueError("window must be 0 (off) or at least 4 fields (quartics of four)")


@dataclass(frozen=True)
class Hypothesis:
    """One generated target: its tokens, total log-probability, and whether it ended.

    ``finished`` is false when decoding hit the length limit before ``[EOS]``; such a
    sequence is truncated and its last term is usually incomplete.
    """

    tokens: list[str]
    score: float
    finished: bool

    def to_json(self) -> dict[str, Any]:
        return {"tgt": " ".join(self.tokens), "score": self.score, "finished": self.finished}


def _generate_kwargs(
    settings: GenerationSettings, max_new_tokens: int, never: list[int]
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "max_new_tokens": max_new_tokens,
        "suppress_tokens": never,
        "num_return_sequences": settings.num_return_sequences,
        "num_beams": settings.num_beams,
        "do_sample": settings.do_sample,
        "return_dict_in_generate": False,
    }
    if settings.num_beams > 1:
        kwargs["early_stopping"] = True
    if settings.do_sample:
        kwargs.update(temperature=settings.temperature, top_k=settings.top_k, top_p=settings.top_p)
    return kwargs


def _sequence_log_probs(model: Any, batch: Any, sequences: Any, copies: int, pad_id: int) -> Any:
    """Sum of log p(token) over each generated sequence (decoder start excluded)."""
    import torch

    input_ids = batch["input_ids"].repeat_interleave(copies, dim=0)
    attention_mask = batch["attention_mask"].repeat_interleave(copies, dim=0)
    decoder_input = sequences[:, :-1]
    targets = sequences[:, 1:]
    logits = model(
        input_ids=input_ids, attention_mask=attention_mask, decoder_input_ids=decoder_input
    ).logits
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return (picked * (targets != pad_id)).sum(dim=-1)


def generate(
    loaded: LoadedModel,
    sources: Sequence[Sequence[str]],
    settings: GenerationSettings | None = None,
    grammars: Sequence[Grammar | None] | None = None,
) -> list[list[Hypothesis]]:
    """Generate targets for each source token list, best (highest score) first.

    Returns one list of ``settings.num_return_sequences`` hypotheses per source.  Sources
    are decoded in batches of similar length (less padding); unknown tokens or sources too
    long for the model raise ``TokenError`` naming the sequence.  ``grammars`` (one per
    source) constrain decoding (``model.constrained``).
    """
    import torch
    from transformers import LogitsProcessorList

    from lagrangian.model.constrained import logits_processor

    settings = settings or GenerationSettings()
    settings.check()
    tokenizer = loaded.tokenizer
    limit = loaded.max_positions
    max_new_tokens = min(settings.max_new_tokens or limit, limit - 1)
    # Padding and unknown tokens are never valid output (a padded position would vanish
    # silently in decoding).
    kwargs = _generate_kwargs(settings, max_new_tokens, [tokenizer.pad_id, tokenizer.unk_id])
    copies = settings.num_return_sequences

    ids = tokenizer.encode_many(sources, max_length=limit)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    results: list[list[Hypothesis]] = [[] for _ in ids]
    if settings.seed is not None:
        torch.manual_seed(settings.seed)
    with torch.inference_mode():
        for start in range(0, len(order), settings.batch_size):
            chunk = order[start : start + settings.batch_size]
            batch = tokenizer.hf.pad(
                {"input_ids": [ids[i] for i in chunk]}, padding=True, return_tensors="pt"
            ).to(loaded.device)
            extra = {}
            if grammars is not None:
                extra["logits_processor"] = LogitsProcessorList(
                    [logits_processor(tokenizer, [grammars[i] for i in chunk])]
                )
            sequences = loaded.model.generate(**batch, **kwargs, **extra)
            scores = _sequence_log_probs(loaded.model, batch, sequences, copies, tokenizer.pad_id)
            rows = sequences.tolist()
            for offset, source_index in enumerate(chunk):
                hypotheses = []
                for copy in range(copies):
                    row = rows[offset * copies + copy]
                    hypotheses.append(
                        Hypothesis(
                            tokens=tokenizer.decode(row),
                            score=float(scores[offset * copies + copy]),
                            finished=tokenizer.eos_id in row[1:],
                        )
                    )
                results[source_index] = sorted(hypotheses, key=lambda h: -h.score)
    return results

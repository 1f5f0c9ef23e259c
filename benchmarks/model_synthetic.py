"""Synthetic codec, data and model for the model benchmarks (no physics engine needed).

The vocabulary is paper-sized (about 40 words); sequences are random token strings of
realistic lengths.  The untrained model's end token is suppressed through BART's final
logits bias, so every generation decodes exactly ``max_new_tokens`` tokens: the workload
is fixed and the same for every configuration compared.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from lagrangian.model.codec import DIGITS, SpecialTokens, join_tokens, register_codec

WORDS = [f"W{n}" for n in range(30)] + list(DIGITS)


class SyntheticCodec:
    name = "synthetic"
    special_tokens = SpecialTokens()

    def vocabulary(self) -> list[str]:
        return list(WORDS)


register_codec("synthetic", SyntheticCodec)


def random_sources(count: int, length: int, seed: int) -> list[str]:
    """``count`` random token strings of ``length`` tokens."""
    rng = random.Random(seed)
    return [join_tokens(rng.choices(WORDS, k=length)) for _ in range(count)]


def write_dataset(folder: Path, examples: int, src_length: int, tgt_length: int, seed: int) -> Path:
    """train.jsonl/validation.jsonl with random pairs (lengths vary by +-50%)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for split, count in (("train", examples), ("validation", max(examples // 10, 1))):
        with (folder / f"{split}.jsonl").open("w", encoding="utf-8") as stream:
            for _ in range(count):
                src = rng.choices(WORDS, k=rng.randint(src_length // 2, src_length * 3 // 2))
                tgt = rng.choices(WORDS, k=rng.randint(tgt_length // 2, tgt_length * 3 // 2))
                record = {"src_synthetic": join_tokens(src), "tgt_synthetic": join_tokens(tgt)}
                stream.write(json.dumps(record) + "\n")
    return folder


def save_fixed_length_model(folder: Path, preset: str = "tiny") -> Path:
    """An untrained model that never ends early (end token suppressed), saved to ``folder``."""
    import torch

    from lagrangian.model.checkpoint import CheckpointMetadata, save_checkpoint
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec

    tokenizer = tokenizer_for_codec(SyntheticCodec())
    model = build_model(get_preset(preset), tokenizer, seed=0)
    with torch.no_grad():
        model.final_logits_bias[0, tokenizer.eos_id] = -1e4
    metadata = CheckpointMetadata(codec="synthetic", preset=preset, extra={"synthetic": True})
    return save_checkpoint(folder, model, tokenizer, metadata)

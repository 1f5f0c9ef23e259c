"""A toy codec for the model tests: a small physics-flavoured closed vocabulary.

It stands in for the real BART-L and compact codecs so that the sequence machinery
(tokenizer, training, generation, server) is tested without the physics engine.  Importable
by ``module:attribute`` path (``model_toy_codec:ToyCodec``) from subprocesses too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from lagrangian.model.codec import DIGITS, Example, SpecialTokens, join_tokens, split_tokens

# How a subprocess or a checkpoint names this codec (tests/model must be on the path).
TOY_CODEC_PATH = "model_toy_codec:ToyCodec"

WORDS = (
    "FIELD",
    "SPIN",
    "SU3",
    "SU2",
    "U1",
    "HEL",
    "DAGGER",
    "DERIVATIVE",
    "CONTRACTIONS",
    "/",
    "-",
    "+",
    "i",
    *(f"ID{n}" for n in range(10)),
)


def _example(src: str, tgt: str) -> Example:
    return Example(split_tokens(src), split_tokens(tgt))


# A handful of (fields -> terms) pairs shaped like the paper's format; the training test
# overfits them and expects them back.  Multi-digit charges (40, 13/60) are spelled digit
# by digit, as the real codecs do.
EXAMPLES = [
    _example(
        "FIELD SPIN 0 SU2 2 U1 1 / 2",
        "+ FIELD SPIN 0 SU2 2 U1 - 1 / 2 DAGGER ID0 FIELD SPIN 0 SU2 2 U1 1 / 2 ID1 "
        "CONTRACTIONS SU2 ID0 ID1",
    ),
    _example("FIELD SPIN 0", "+ FIELD SPIN 0 ID0 FIELD SPIN 0 ID1"),
    _example(
        "FIELD SPIN 1 / 2 HEL - 1 / 2",
        "+ i FIELD SPIN 1 / 2 HEL 1 / 2 DAGGER ID0 DERIVATIVE ID1 FIELD SPIN 1 / 2 ID2",
    ),
    _example(
        "FIELD SPIN 0 SU3 3 U1 4 0",
        "+ FIELD SPIN 0 SU3 - 3 U1 - 4 0 DAGGER ID0 FIELD SPIN 0 SU3 3 U1 4 0 ID1",
    ),
    _example(
        "FIELD SPIN 0 U1 1 3 / 6 0",
        "- FIELD SPIN 0 U1 - 1 3 / 6 0 DAGGER ID3 FIELD SPIN 0 U1 1 3 / 6 0 ID4",
    ),
    _example("FIELD SPIN 0 SU2 3", "+ FIELD SPIN 0 SU2 3 ID0 CONTRACTIONS SU2 ID0"),
]


class ToyCodec:
    """Closed vocabulary: the words above plus the digits."""

    name = "toy"
    special_tokens = SpecialTokens()

    def vocabulary(self) -> list[str]:
        return [*WORDS, *DIGITS]


def write_dataset(folder: Path, examples: Sequence[Example] = EXAMPLES, key: str = "toy") -> Path:
    """Write the examples as train.jsonl and validation.jsonl in the dataset format."""
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "validation"):
        with (folder / f"{split}.jsonl").open("w", encoding="utf-8") as stream:
            for example in examples:
                record = {
                    f"src_{key}": join_tokens(example.src),
                    f"tgt_{key}": join_tokens(example.tgt),
                }
                stream.write(json.dumps(record) + "\n")
    return folder

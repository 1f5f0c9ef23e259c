"""The streaming loader: epoch plans are deterministic, complete and length-grouped; processes
read disjoint parts that cover the data; resuming skips what was read without reading it;
token files remap ids, skip what is too long and name what is wrong."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from model_toy_codec import EXAMPLES, ToyCodec, write_dataset

from lagrangian.model.codec import Example
from lagrangian.model.tokenizer import id_table
from lagrangian.training.loader import EpochPlan, open_split
from lagrangian.training.token_store import StoreError

# 23 blocks of 0-60 examples with lengths 5-500: uneven blocks, an empty one.
BLOCKS = [
    [random.Random(f"{b}:{i}").randint(5, 500) for i in range(random.Random(b).randint(0, 60))]
    for b in range(23)
]
SIZES = [len(block) for block in BLOCKS]


class Reader:
    """The ``rows`` callback of a split, recording which blocks were read."""

    def __init__(self) -> None:
        self.read: list[int] = []

    def __call__(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        self.read.append(block)
        return np.arange(SIZES[block]), np.array(BLOCKS[block])


def _batches(plan: EpochPlan, **kwargs: int) -> list[list[tuple[int, int]]]:
    return list(plan.for_rank(Reader(), **kwargs))


def test_plans_are_deterministic_complete_and_length_grouped() -> None:
    first = _batches(EpochPlan(SIZES, 10, seed=3, epoch=2))
    assert first == _batches(EpochPlan(SIZES, 10, seed=3, epoch=2))
    assert first != _batches(EpochPlan(SIZES, 10, seed=3, epoch=3))
    every = sorted(item for batch in first for item in batch)
    assert every == [(b, r) for b in range(23) for r in range(SIZES[b])]
    assert len(first) == EpochPlan(SIZES, 10, 3, 2).batches == -(-sum(SIZES) // 10)
    length = {(b, r): BLOCKS[b][r] for b in range(23) for r in range(SIZES[b])}
    spread = [max(length[i] for i in b) - min(length[i] for i in b) for b in first]
    assert sum(spread) / len(spread) < 60  # random batches of 10 would spread over ~400


def test_two_processes_read_disjoint_parts_that_cover_the_data() -> None:
    plan = EpochPlan(SIZES, 7, seed=1, epoch=0, window=3)
    per_rank = plan.batches // 2
    ranks = [_batches(plan, rank=r, world=2, limit=per_rank) for r in (0, 1)]
    assert len(ranks[0]) == len(ranks[1]) == per_rank
    seen = [{item for batch in batches for item in batch} for batches in ranks]
    assert not seen[0] & seen[1]
    whole = _batches(plan)
    assert ranks[0] == whole[0 : 2 * per_rank : 2] and ranks[1] == whole[1 : 2 * per_rank : 2]
    dropped = {item for batch in whole[2 * per_rank :] for item in batch}
    assert len(seen[0] | seen[1] | dropped) == sum(SIZES) and plan.batches - 2 * per_rank <= 1


def test_resume_replays_the_rest_and_skips_windows_unread() -> None:
    plan = EpochPlan(SIZES, 5, seed=9, epoch=4, window=4)
    whole = _batches(plan, rank=1, world=2)
    reader = Reader()
    assert list(plan.for_rank(reader, rank=1, world=2, start=50)) == whole[50:]
    # Batch 50 of rank 1 is epoch batch 101, in window 25 (examples 500-519): the blocks
    # before it are not read.
    assert min(plan.order.index(b) for b in reader.read) >= np.searchsorted(plan.ends, 500)


def test_memory_is_bounded_by_the_window_not_the_split() -> None:
    plan = EpochPlan(SIZES, 4, seed=0, epoch=0, window=2)
    reader = Reader()
    next(plan.for_rank(reader))
    assert sum(SIZES[b] for b in set(reader.read)) <= 8 + 2 * max(SIZES)


def test_token_files_skip_too_long_examples_and_remap_ids(tmp_path: Path) -> None:
    long = Example(["FIELD"], ["1"] * 60)
    data = write_dataset(tmp_path / "data", [*EXAMPLES[:2], long])
    # The stored numbering is the toy codec's; a codec listing the same words in reverse
    # numbers them differently, and the ids read back follow it.
    table = id_table(ToyCodec())
    reverse = [*table[:4], *reversed(table[4:])]
    split = open_split(data, "train", "toy", reverse, 40, tmp_path / "cache")
    assert (split.examples, split.skipped, split.sizes) == (2, 1, [2])
    src, tgt = split.pairs([(0, 1)])[0]
    assert [reverse[i] for i in tgt[1:-1]] == EXAMPLES[1].tgt
    assert (src[0], src[-1]) == (0, 2)  # [SOS] ... [EOS]


def test_token_files_name_what_is_wrong(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", EXAMPLES[:2])
    table = id_table(ToyCodec())
    cache = tmp_path / "cache"
    open_split(data, "train", "toy", table, 40, cache)
    arrow = cache / "train-toy.arrow"
    (data / "train.arrow").write_bytes(arrow.read_bytes())
    with pytest.raises(StoreError, match=r"no column 'src_compact' \(is --format compact right"):
        open_split(data, "train", "compact", table, 40, cache)
    with pytest.raises(StoreError, match="lacks tokens of the data: CONTRACTIONS"):
        open_split(data, "train", "toy", [t for t in table if t != "CONTRACTIONS"], 40, cache)
    with pytest.raises(StoreError, match="no examples that fit"):
        open_split(data, "train", "toy", table, 3, cache)
    (data / "validation.arrow").write_text("not arrow")
    with pytest.raises(StoreError, match="not a readable Arrow token file"):
        open_split(data, "validation", "toy", table, 40, cache)

"""The streaming, length-bucketed batch loader of ``lagrangian train``.

Why streaming: a split of a million Lagrangians is tens of gigabytes as Python lists of
token ids; read from a memory-mapped Arrow token file (``training/token_store.py``) a batch
at a time, the trainer's memory is bounded by the batch and the length window, not by the
dataset.

The plan of an epoch is a pure function of the seed, the epoch and the number of usable
examples in each block, so a resumed run replays exactly the batches an uninterrupted one
would have seen:

1. the blocks are shuffled (seed, epoch), giving a sequence of the split's N examples;
2. the sequence is cut into length windows of ``window`` batches; inside a window the
   examples are shuffled, sorted by length and cut into batches, and the batches are
   shuffled.  Sorting inside windows cuts padding (often by half on these skewed length
   distributions) while batches stay random; every window but the last is a whole number
   of batches, so an epoch has ceil(N / batch size) batches whatever the order;
3. batch k of the epoch goes to process k mod world, and each process stops after
   floor(batches / world) of them, so all processes take the same number of steps.

A process reads the token lengths of the windows it has batches in (the list offsets, 8
bytes per example) and the tokens of its own batches only; resuming at batch b skips the
windows before it without reading them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lagrangian.training.convert import convert_split
from lagrangian.training.token_store import (
    StoreError,
    TokenEncoder,
    id_tables,
    open_file,
    token_columns,
)

IGNORE_INDEX = -100  # label id that the cross-entropy loss skips (padding)
Item = tuple[int, int]  # (block, row) of an example in a token file
Rows = Callable[[int], tuple[np.ndarray, np.ndarray]]  # block -> (usable rows, their lengths)


class TokenSplit:
    """One split of a token file in one format, as the model's ids, memory-mapped.

    Examples longer than the model's context are skipped and counted, not truncated: a
    truncated Lagrangian would teach the model wrong physics.
    """

    def __init__(self, path: Path, data_format: str, words: Sequence[str], max_length: int):
        self.path = path
        self.reader = open_file(path)
        self.src, self.tgt = token_columns(data_format)
        names = self.reader.schema.names
        for column in (self.src, self.tgt):
            if column not in names:
                raise StoreError(
                    f"{path}: no column {column!r} (is --format {data_format} right? "
                    f"the file has {', '.join(n for n in names if n.startswith('src_'))})"
                )
        self.max_length = max_length
        self.lookup = _remap(id_tables(self.reader.schema).get(data_format, []), words, path)
        self.sizes = [len(self.rows(b)[0]) for b in range(self.reader.num_record_batches)]
        self.examples = sum(self.sizes)
        total = sum(self.reader.get_batch(b).num_rows for b in range(len(self.sizes)))
        self.skipped = total - self.examples
        if not self.examples:
            fit = " that fit the model's context" if total else ""
            raise StoreError(f"{path}: no examples{fit}")

    def _lengths(self, batch: Any, column: str) -> np.ndarray:
        return np.diff(batch.column(column).offsets.to_numpy())

    def rows(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        """The usable rows of a block and their source + target lengths (ids with markers)."""
        batch = self.reader.get_batch(block)
        src, tgt = self._lengths(batch, self.src), self._lengths(batch, self.tgt)
        rows = np.flatnonzero(np.maximum(src, tgt) <= self.max_length)
        return rows, (src + tgt)[rows]

    def pairs(self, items: Sequence[Item]) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (source, target) ids of examples, in the model's numbering."""
        views: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        result = []
        for block, row in items:
            if block not in views:  # zero-copy views of the block's two columns
                batch = self.reader.get_batch(block)
                arrays = (batch.column(self.src), batch.column(self.tgt))
                views[block] = [
                    (a.offsets.to_numpy(), a.values.to_numpy(zero_copy_only=True)) for a in arrays
                ]
            (src_at, src), (tgt_at, tgt) = views[block]
            result.append(
                (
                    self.lookup[src[src_at[row] : src_at[row + 1]]],
                    self.lookup[tgt[tgt_at[row] : tgt_at[row + 1]]],
                )
            )
        return result


def open_split(
    folder: Path, split: str, data_format: str, words: Sequence[str], max_length: int, cache: Path
) -> TokenSplit:
    """``folder/<split>.arrow``, or ``folder/<split>.jsonl`` converted into ``cache`` first
    (every process converts to its own temporary file and renames it: the same bytes, so no
    process waits on another and none reads half a file)."""
    arrow = folder / f"{split}.arrow"
    if not arrow.is_file():
        jsonl = folder / f"{split}.jsonl"
        if not jsonl.is_file():
            raise StoreError(
                f"{jsonl}: no such file (nor {split}.arrow; a dataset folder holds the train "
                "and validation splits as .arrow or .jsonl files)"
            )
        cache.mkdir(parents=True, exist_ok=True)
        arrow = cache / f"{split}-{data_format}.arrow"
        convert_split(jsonl, arrow, {data_format: TokenEncoder(words)})
    return TokenSplit(arrow, data_format, words, max_length)


def _remap(stored: Sequence[str], words: Sequence[str], path: Path) -> np.ndarray:
    """Stored id → model id: specials by role (ids 0-3), words by name."""
    if not stored:
        raise StoreError(f"{path}: no id table for this format in the file's metadata")
    index = {word: i for i, word in enumerate(words)}
    missing = [word for word in stored[4:] if word not in index]
    if missing:
        raise StoreError(
            f"{path}: the codec's vocabulary lacks tokens of the data: {', '.join(missing[:8])}"
        )
    return np.array([*range(4), *(index[word] for word in stored[4:])], dtype=np.int64)


class EpochPlan:
    """Which examples make which batch in one epoch (see the module docstring)."""

    def __init__(
        self,
        sizes: Sequence[int],
        batch_size: int,
        seed: int,
        epoch: int,
        shuffle: bool = True,
        window: int = 50,
    ) -> None:
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed, self.epoch = seed, epoch
        self.order = list(range(len(sizes)))
        if shuffle:
            random.Random(seed * 1_000_003 + epoch).shuffle(self.order)
        self.ends = np.cumsum([sizes[b] for b in self.order])
        self.examples = int(self.ends[-1]) if len(self.ends) else 0
        self.window = window if shuffle else 1
        self.batches = math.ceil(self.examples / batch_size)

    def _window_items(self, index: int, rows: Rows) -> tuple[list[Item], list[int]]:
        """The examples of window ``index`` and their lengths, reading only its blocks."""
        first = index * self.window * self.batch_size
        last = min(self.examples, first + self.window * self.batch_size)
        items: list[Item] = []
        lengths: list[int] = []
        position = int(np.searchsorted(self.ends, first, side="right"))
        while position < len(self.order) and len(items) < last - first:
            start = int(self.ends[position - 1]) if position else 0
            block_rows, block_lengths = rows(self.order[position])
            cut = slice(max(first - start, 0), last - start)
            items += [(self.order[position], int(r)) for r in block_rows[cut]]
            lengths += [int(n) for n in block_lengths[cut]]
            position += 1
        return items, lengths

    def _window_batches(self, index: int, rows: Rows) -> list[list[Item]]:
        items, lengths = self._window_items(index, rows)
        size = self.batch_size
        if not self.shuffle:
            return [items[s : s + size] for s in range(0, len(items), size)]
        rng = random.Random(f"{self.seed}:{self.epoch}:{index}")
        order = list(range(len(items)))
        rng.shuffle(order)
        order.sort(key=lambda i: lengths[i])
        batches = [[items[i] for i in order[s : s + size]] for s in range(0, len(order), size)]
        rng.shuffle(batches)
        return batches

    def for_rank(
        self, rows: Rows, rank: int = 0, world: int = 1, start: int = 0, limit: int | None = None
    ) -> Iterator[list[Item]]:
        """The batches of process ``rank`` of ``world``, from its ``start``-th to before its
        ``limit``-th (default: every batch it has)."""
        limit = math.ceil((self.batches - rank) / world) if limit is None else limit
        first = start * world + rank  # epoch batch number of this process's first batch
        for index in range(first // self.window, math.ceil(self.batches / self.window)):
            base = index * self.window
            for offset, batch in enumerate(self._window_batches(index, rows)):
                number = base + offset
                if number >= first and number % world == rank and number // world < limit:
                    yield batch
            if (base + self.window) // world >= limit:
                return


def collate(pairs: Sequence[tuple[np.ndarray, np.ndarray]], pad_id: int) -> dict[str, Any]:
    """Padded tensors for a batch; label padding is ``IGNORE_INDEX`` so the loss skips it.

    BART builds the decoder inputs itself by shifting the labels right behind the decoder
    start token.
    """
    import torch

    src_width = max(len(src) for src, _ in pairs)
    tgt_width = max(len(tgt) for _, tgt in pairs)
    input_ids = np.full((len(pairs), src_width), pad_id, dtype=np.int64)
    labels = np.full((len(pairs), tgt_width), IGNORE_INDEX, dtype=np.int64)
    for i, (src, tgt) in enumerate(pairs):
        input_ids[i, : len(src)] = src
        labels[i, : len(tgt)] = tgt
    input_tensor = torch.from_numpy(input_ids)
    return {
        "input_ids": input_tensor,
        "attention_mask": (input_tensor != pad_id).long(),
        "labels": torch.from_numpy(labels),
    }


def batch_tokens(batch: dict[str, Any]) -> int:
    """Real (non-padding) tokens in a batch, source plus target."""
    return int(batch["attention_mask"].sum()) + int((batch["labels"] != IGNORE_INDEX).sum())

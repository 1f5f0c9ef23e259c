"""Fixtures for the model tests: the toy codec, a toy dataset, a random tiny checkpoint.

Torch runs single-threaded here: the test machine's two cores are shared, and torch's
spinning worker threads slow a tiny model down by an order of magnitude under contention.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from model_toy_codec import TOY_CODEC_PATH, ToyCodec, write_dataset

from lagrangian.model.codec import register_codec


@pytest.fixture(autouse=True)
def _single_thread() -> Iterator[None]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def _toy_codec_registered() -> None:
    register_codec("toy", ToyCodec)


@pytest.fixture
def toy_dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data")


@pytest.fixture(scope="session")
def random_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained tiny model with the toy vocabulary, saved once per test session."""
    from lagrangian.model.checkpoint import CheckpointMetadata, save_checkpoint
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec

    tokenizer = tokenizer_for_codec(ToyCodec())
    model = build_model(get_preset("tiny"), tokenizer, seed=0)
    folder = tmp_path_factory.mktemp("random-tiny")
    return save_checkpoint(
        folder, model, tokenizer, CheckpointMetadata(codec=TOY_CODEC_PATH, preset="tiny")
    )


@pytest.fixture(scope="session")
def loaded_random(random_checkpoint: Path):
    from lagrangian.model.checkpoint import load_checkpoint

    return load_checkpoint(random_checkpoint, device="cpu")

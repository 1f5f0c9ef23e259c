"""The local transformers backend with a tiny randomly initialised GPT-2 (no downloads)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lagrangian.llmsr.api import FitRequest, fit_equation
from lagrangian.llmsr.backends import make_backend
from lagrangian.llmsr.config import BufferConfig, SandboxConfig, SearchConfig
from lagrangian.llmsr.errors import BackendError
from lagrangian.llmsr.prompts import build_prompt
from lagrangian.llmsr.spec import InputVariable, Specification

transformers = pytest.importorskip("transformers")


def _byte_vocabulary() -> dict[str, int]:
    """GPT-2's byte-to-unicode alphabet: a byte-level BPE vocabulary without merges."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars, extra = list(printable), 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    vocab = {chr(c): i for i, c in enumerate(chars)}
    vocab["<|endoftext|>"] = len(vocab)
    return vocab


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-gpt2")
    (folder / "vocab.json").write_text(json.dumps(_byte_vocabulary()))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = transformers.GPT2Tokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    tokenizer.save_pretrained(str(folder))
    config = transformers.GPT2Config(
        vocab_size=257, n_positions=2048, n_embd=32, n_layer=1, n_head=2
    )
    transformers.GPT2LMHeadModel(config).save_pretrained(str(folder))
    return folder


@pytest.mark.slow
def test_random_model_generates_and_the_search_survives_its_garbage(
    tiny_model: Path, tmp_path: Path
) -> None:
    backend = make_backend(str(tiny_model), max_new_tokens=16)
    spec = Specification("rate", (InputVariable("c", kind="cosine"),))
    replies = backend.sample(build_prompt(spec, [], 0), 2)
    assert len(replies) == 2 and all(r.startswith("def equation_v0(") for r in replies)
    backend.close()
    c = np.linspace(-0.9, 0.9, 20)
    data = tmp_path / "d.csv"
    data.write_text("c,rate\n" + "\n".join(f"{v},{1 + v * v}" for v in c))
    config = SearchConfig(buffer=BufferConfig(num_islands=2), sandbox=SandboxConfig(workers=1))
    request = FitRequest(
        data=str(data), target="rate", inputs=("c",), llm=str(tiny_model), budget=4, config=config
    )
    result = fit_equation(request)
    assert result.candidates == 4 and result.backend["name"] == "transformers"
    assert (
        result.rejected + result.backend["stats"]["failures"] >= 1
    )  # a random model writes garbage


def test_a_folder_without_a_model_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="cannot load a causal language model"):
        make_backend(str(tmp_path))

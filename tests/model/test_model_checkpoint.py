"""Presets, device choice and checkpoint folders (ours and plain Hugging Face ones)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from model_toy_codec import ToyCodec

from lagrangian.model.checkpoint import (
    METADATA_FILE,
    CheckpointError,
    CheckpointMetadata,
    load_checkpoint,
    read_metadata,
    save_checkpoint,
)
from lagrangian.model.device import DeviceError, inference_dtype, resolve_device
from lagrangian.model.presets import PRESETS, build_model, count_parameters, get_preset
from lagrangian.model.tokenizer import tokenizer_for_codec

TOKENIZER = tokenizer_for_codec(ToyCodec())


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("small", 1.5e6, 3e6), ("tiny", 6e6, 10e6), ("base", 95e6, 115e6), ("large", 350e6, 365e6)],
)
def test_preset_sizes(name: str, low: float, high: float) -> None:
    import torch

    with torch.device("meta"):  # shapes only: no memory, no initialisation time
        model = build_model(get_preset(name), TOKENIZER)
    assert low <= count_parameters(model) <= high


def test_large_preset_is_the_papers_configuration() -> None:
    large = PRESETS["large"]
    assert (large.d_model, large.heads, large.layers, large.ffn_dim) == (1024, 16, 12, 4096)
    assert large.max_positions == 2048


def test_unknown_preset() -> None:
    with pytest.raises(
        ValueError, match="unknown preset 'huge'; choose one of small, tiny, base, large"
    ):
        get_preset("huge")


def test_model_follows_bart_conventions(loaded_random) -> None:
    config = loaded_random.model.config
    generation = loaded_random.model.generation_config
    assert (config.pad_token_id, config.bos_token_id, config.eos_token_id) == (1, 0, 2)
    assert generation.decoder_start_token_id == TOKENIZER.eos_id
    assert generation.forced_bos_token_id == TOKENIZER.sos_id
    assert config.vocab_size == TOKENIZER.vocab_size


def test_devices() -> None:
    import torch

    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    assert inference_dtype(torch.device("cpu")) == torch.float32
    with pytest.raises(DeviceError, match="unknown device 'gpu7'"):
        resolve_device("gpu7")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="CUDA is not available"):
            resolve_device("cuda")


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    import torch

    model = build_model(get_preset("tiny"), TOKENIZER, seed=3)
    metadata = CheckpointMetadata(codec="toy", preset="tiny", training={"steps": 7})
    folder = save_checkpoint(tmp_path / "ck", model, TOKENIZER, metadata)
    names = {path.name for path in folder.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", METADATA_FILE} <= names
    saved = json.loads((folder / METADATA_FILE).read_text())
    assert saved["format"] == "lagrangian-checkpoint" and saved["version"] == 1
    assert saved["parameters"] == count_parameters(model)

    loaded = load_checkpoint(folder, device="cpu")
    assert loaded.metadata.training == {"steps": 7}
    assert loaded.tokenizer.words == TOKENIZER.words
    assert not loaded.model.training
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.model.state_dict()[name]), name
    assert loaded.describe()["device"] == "cpu"
    assert loaded.describe()["dtype"] == "float32"
    assert loaded.max_positions == get_preset("tiny").max_positions


def test_load_in_another_dtype(random_checkpoint: Path) -> None:
    import torch

    loaded = load_checkpoint(random_checkpoint, device="cpu", dtype="bfloat16")
    assert next(loaded.model.parameters()).dtype == torch.bfloat16
    with pytest.raises(CheckpointError, match="unknown dtype 'int8'"):
        load_checkpoint(random_checkpoint, device="cpu", dtype="int8")


def test_plain_hugging_face_folder_needs_a_codec(tmp_path: Path, random_checkpoint: Path) -> None:
    foreign = tmp_path / "bart-l"
    shutil.copytree(random_checkpoint, foreign)
    (foreign / METADATA_FILE).unlink()
    assert read_metadata(foreign) is None
    with pytest.raises(CheckpointError, match=r"plain Hugging Face folder .* --codec"):
        load_checkpoint(foreign, device="cpu")
    loaded = load_checkpoint(foreign, device="cpu", codec="toy")  # its own tokenizer.json
    assert loaded.metadata.codec == "toy" and loaded.metadata.extra == {"foreign": True}
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (foreign / name).unlink()
    rebuilt = load_checkpoint(foreign, device="cpu", codec="toy")  # the codec's tokenizer
    assert rebuilt.tokenizer.words == TOKENIZER.words


def test_load_errors_name_the_problem(tmp_path: Path, random_checkpoint: Path) -> None:
    with pytest.raises(CheckpointError, match="no such checkpoint folder"):
        load_checkpoint(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(CheckpointError, match="a checkpoint is a folder"):
        load_checkpoint(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CheckpointError, match=r"config\.json is missing"):
        load_checkpoint(tmp_path / "empty")

    broken = tmp_path / "broken"
    shutil.copytree(random_checkpoint, broken)
    with pytest.raises(CheckpointError, match=r"trained on codec .* not 'compact'"):
        load_checkpoint(broken, codec="compact")
    (broken / METADATA_FILE).write_text("{not json")
    with pytest.raises(CheckpointError, match="unreadable metadata"):
        load_checkpoint(broken)
    (broken / METADATA_FILE).write_text(
        json.dumps({"format": "lagrangian-checkpoint", "version": 99})
    )
    with pytest.raises(CheckpointError, match="version 99 is not supported"):
        load_checkpoint(broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match="no model weights"):
        load_checkpoint(broken)

    corrupt = tmp_path / "corrupt"
    shutil.copytree(random_checkpoint, corrupt)
    (corrupt / "model.safetensors").write_bytes(b"\0" * 64)
    with pytest.raises(CheckpointError, match="cannot load the model"):
        load_checkpoint(corrupt, device="cpu")

"""Checkpoint folders: save and load a model with its tokenizer and provenance.

A checkpoint of ours is a plain Hugging Face folder (``config.json``,
``generation_config.json``, ``model.safetensors``, ``tokenizer.json``,
``tokenizer_config.json``) plus ``lagrangian.json``, which records what HF cannot: the
codec that produced the token sequences, the preset, and how the model was trained.  Being
a plain HF folder, it also opens in any HF tool.

A folder without ``lagrangian.json`` is treated as a foreign BART checkpoint (for example
a published BART-L model): it loads when the caller names its codec, with the folder's own
tokenizer if it has one and otherwise the codec's.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lagrangian.model.codec import TokenError, codec_by_name
from lagrangian.model.tokenizer import WordTokenizer, tokenizer_for_codec

METADATA_FILE = "lagrangian.json"
METADATA_FORMAT = "lagrangian-checkpoint"
METADATA_VERSION = 1
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")

# Where the checkpoint shipped with the package lives; used when nothing else is configured.
DEFAULT_CHECKPOINT_DIR = Path(__file__).resolve().parent / "default"


class CheckpointError(ValueError):
    """A checkpoint folder that cannot be read or written (the message names the problem)."""


@dataclass
class CheckpointMetadata:
    """The contents of ``lagrangian.json``.

    ``codec`` names the token format (a :func:`codec_by_name` name), ``preset`` the
    architecture (``None`` for foreign checkpoints), ``training`` whatever the training run
    records (data, steps, losses, hardware, time) and ``extra`` anything else a tool wants
    to keep with the weights (e.g. evaluation metrics for a model card).
    """

    codec: str
    preset: str | None = None
    parameters: int | None = None
    training: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"format": METADATA_FORMAT, "version": METADATA_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: Any, source: Path) -> CheckpointMetadata:
        if not isinstance(data, dict) or data.get("format") != METADATA_FORMAT:
            raise CheckpointError(f"{source}: not a {METADATA_FORMAT} metadata file")
        if data.get("version") != METADATA_VERSION:
            raise CheckpointError(
                f"{source}: metadata version {data.get('version')!r} is not supported "
                f"(this version reads {METADATA_VERSION})"
            )
        if not isinstance(data.get("codec"), str):
            raise CheckpointError(f"{source}: metadata lacks the codec name")
        known = {"codec", "preset", "parameters", "training", "extra"}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class LoadedModel:
    """A model ready for inference, with the tokenizer and facts about where it came from."""

    model: Any
    tokenizer: WordTokenizer
    metadata: CheckpointMetadata
    path: Path
    device: Any
    dtype: Any

    @property
    def max_positions(self) -> int:
        """The longest sequence (ids, markers included) the model accepts."""
        return int(self.model.config.max_position_embeddings)

    def describe(self) -> dict[str, Any]:
        """A JSON-able summary (for health endpoints, logs and result blocks)."""
        from lagrangian.model.device import describe_device

        return {
            "checkpoint": str(self.path),
            "codec": self.metadata.codec,
            "preset": self.metadata.preset,
            "parameters": self.metadata.parameters,
            "device": describe_device(self.device),
            "dtype": str(self.dtype).removeprefix("torch."),
        }


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' progress bars and info logging while loading or saving.

    Weight-loading progress bars and advisory warnings would otherwise land on stderr of
    every CLI command and server start; real failures still raise.
    """
    from transformers.utils import logging

    bars = logging.is_progress_bar_enabled()
    verbosity = logging.get_verbosity()
    logging.disable_progress_bar()
    logging.set_verbosity_error()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def _write_json_atomically(path: Path, data: Any) -> None:
    """Write JSON so that readers never see a half-written file (rename is atomic)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_checkpoint(
    folder: str | Path, model: Any, tokenizer: WordTokenizer, metadata: CheckpointMetadata
) -> Path:
    """Write ``model`` (safetensors), its tokenizer and ``metadata`` into ``folder``.

    ``lagrangian.json`` is written last, so a folder that has it is complete.
    """
    from lagrangian.model.presets import count_parameters

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / METADATA_FILE).unlink(missing_ok=True)
    with quiet_transformers():
        model.save_pretrained(str(target))
        tokenizer.save(target)
    if metadata.parameters is None:
        metadata.parameters = count_parameters(model)
    _write_json_atomically(target / METADATA_FILE, metadata.to_json())
    return target


def read_metadata(folder: str | Path) -> CheckpointMetadata | None:
    """The folder's ``lagrangian.json``, or ``None`` for a foreign (plain HF) folder."""
    path = Path(folder) / METADATA_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"{path}: unreadable metadata: {error}") from error
    return CheckpointMetadata.from_json(data, path)


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise CheckpointError(f"{folder}: no such checkpoint folder")
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: a checkpoint is a folder, not a file")
    if not (folder / "config.json").is_file():
        raise CheckpointError(f"{folder}: not a checkpoint (config.json is missing)")
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        raise CheckpointError(
            f"{folder}: no model weights (expected one of {', '.join(WEIGHT_FILES)})"
        )


def _load_tokenizer(folder: Path, codec_name: str, own: bool) -> WordTokenizer:
    """The folder's tokenizer if it has one; for foreign folders, else the codec's."""
    if (folder / "tokenizer.json").is_file():
        try:
            return WordTokenizer.load(folder)
        except (OSError, ValueError) as error:
            raise CheckpointError(f"{folder}: unreadable tokenizer: {error}") from error
    if own:
        raise CheckpointError(f"{folder}: tokenizer.json is missing")
    try:
        return tokenizer_for_codec(codec_by_name(codec_name))
    except TokenError as error:
        raise CheckpointError(f"{folder}: {error}") from error


def load_checkpoint(
    folder: str | Path,
    *,
    device: str = "auto",
    codec: str | None = None,
    dtype: str = "auto",
) -> LoadedModel:
    """Load a checkpoint for inference (eval mode, on ``device``, in ``dtype``).

    ``codec`` is required for a foreign folder and, for ours, must match the recorded
    codec if given.  ``dtype`` ``auto`` picks :func:`inference_dtype` for the device;
    ``float32``/``bfloat16``/``float16`` force one.
    """
    import torch
    from transformers import BartForConditionalGeneration

    from lagrangian.model.device import inference_dtype, resolve_device

    path = Path(folder).expanduser()
    _check_folder(path)
    metadata = read_metadata(path)
    if metadata is None:
        if codec is None:
            raise CheckpointError(
                f"{path}: a plain Hugging Face folder (no {METADATA_FILE}); name its token "
                "format with a codec (e.g. --codec bartl)"
            )
        metadata = CheckpointMetadata(codec=codec, extra={"foreign": True})
    elif codec is not None and codec != metadata.codec:
        raise CheckpointError(
            f"{path}: the checkpoint was trained on codec {metadata.codec!r}, not {codec!r}"
        )
    tokenizer = _load_tokenizer(path, metadata.codec, own=not metadata.extra.get("foreign"))

    target = resolve_device(device)
    if dtype == "auto":
        torch_dtype = inference_dtype(target)
    elif dtype in ("float32", "bfloat16", "float16"):
        torch_dtype = getattr(torch, dtype)
    else:
        raise CheckpointError(f"unknown dtype {dtype!r}; use auto, float32, bfloat16 or float16")
    try:
        with quiet_transformers():
            model = BartForConditionalGeneration.from_pretrained(
                str(path), dtype=torch_dtype, local_files_only=True
            )
    except Exception as error:  # corrupt files raise library-specific errors (safetensors ...)
        raise CheckpointError(f"{path}: cannot load the model: {error}") from error
    if model.config.vocab_size < tokenizer.vocab_size:
        raise CheckpointError(
            f"{path}: the model has {model.config.vocab_size} token embeddings but the "
            f"tokenizer of codec {metadata.codec!r} has {tokenizer.vocab_size} tokens"
        )
    # Outputs cut off at the length limit must stay recognisable as unfinished, so no
    # checkpoint's defaults may force an [EOS] there (BART's usually do).
    model.generation_config.forced_eos_token_id = None
    model.to(target)
    model.eval()
    if metadata.parameters is None:
        from lagrangian.model.presets import count_parameters

        metadata.parameters = count_parameters(model)
    return LoadedModel(model, tokenizer, metadata, path, target, torch_dtype)

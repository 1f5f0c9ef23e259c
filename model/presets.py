"""BART model presets, always built from a config (nothing is ever downloaded).

``large`` is the paper's configuration (d_model 1024, 16 heads, 12+12 layers, FFN 4096,
context 2048: about 357M parameters with a word-level vocabulary of a few dozen tokens);
``base`` has bart-base's shape (about 100M with such a vocabulary); ``tiny`` (8M) and
``small`` (2M) train on a laptop CPU; on a CPU budget of an hour or two, ``small`` sees
several times more examples, which matters more than width (the shipped default is one).
The vocabulary size comes from the tokenizer, never from the preset: embeddings are a
negligible share of the parameters here, unlike in a text model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import BartConfig, BartForConditionalGeneration

    from lagrangian.model.tokenizer import WordTokenizer


@dataclass(frozen=True)
class Preset:
    """Architecture of a preset plus the training defaults that suit its size."""

    name: str
    d_model: int
    layers: int  # encoder layers = decoder layers
    heads: int
    ffn_dim: int
    max_positions: int
    dropout: float
    learning_rate: float
    warmup_steps: int


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset("small", 128, 4, 4, 512, 1024, 0.0, 1e-3, 300),
        Preset("tiny", 256, 4, 4, 1024, 1024, 0.1, 5e-4, 200),
        Preset("base", 768, 6, 12, 3072, 2048, 0.1, 2e-4, 1000),
        Preset("large", 1024, 12, 16, 4096, 2048, 0.1, 1e-4, 2000),
    )
}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; unknown names raise ``ValueError`` listing the choices."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None


def bart_config(preset: Preset, tokenizer: WordTokenizer) -> BartConfig:
    """The ``BartConfig`` of ``preset`` with the special-token ids of ``tokenizer``.

    Decoding conventions are in :func:`generation_config`.
    """
    from transformers import BartConfig

    return BartConfig(
        vocab_size=tokenizer.vocab_size,
        d_model=preset.d_model,
        encoder_layers=preset.layers,
        decoder_layers=preset.layers,
        encoder_attention_heads=preset.heads,
        decoder_attention_heads=preset.heads,
        encoder_ffn_dim=preset.ffn_dim,
        decoder_ffn_dim=preset.ffn_dim,
        max_position_embeddings=preset.max_positions,
        dropout=preset.dropout,
        pad_token_id=tokenizer.pad_id,
        bos_token_id=tokenizer.sos_id,
        eos_token_id=tokenizer.eos_id,
        decoder_start_token_id=tokenizer.eos_id,
        forced_eos_token_id=tokenizer.eos_id,
    )


def generation_config(tokenizer: WordTokenizer) -> Any:
    """Decoding defaults saved with the model: BART's start/end conventions.

    The decoder starts from ``[EOS]`` and the first generated token is forced to ``[SOS]``,
    exactly as the targets were framed.  No ``[EOS]`` is forced at the length limit: an
    output cut off there must stay recognisable as unfinished.
    """
    from transformers import GenerationConfig

    return GenerationConfig(
        bos_token_id=tokenizer.sos_id,
        pad_token_id=tokenizer.pad_id,
        eos_token_id=tokenizer.eos_id,
        decoder_start_token_id=tokenizer.eos_id,
        forced_bos_token_id=tokenizer.sos_id,
    )


def build_model(preset: Preset, tokenizer: WordTokenizer, seed: int | None = None) -> Any:
    """A freshly initialised ``BartForConditionalGeneration`` for ``preset``.

    ``seed`` makes the initial weights reproducible.
    """
    from transformers import BartForConditionalGeneration, set_seed

    if seed is not None:
        set_seed(seed)
    model: BartForConditionalGeneration = BartForConditionalGeneration(
        bart_config(preset, tokenizer)
    )
    model.generation_config = generation_config(tokenizer)
    return model


def count_parameters(model: Any) -> int:
    """Number of distinct parameters (tied embeddings counted once)."""
    return sum(parameter.numel() for parameter in model.parameters())


def preset_summary(preset: Preset) -> dict[str, Any]:
    """The preset as a JSON-able dict, for checkpoint metadata and logs."""
    return asdict(preset)

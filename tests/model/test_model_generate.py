"""Batched generation: shapes, order, exact scores, settings and input errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_toy_codec import EXAMPLES, ToyCodec

from lagrangian.model.codec import TokenError
from lagrangian.model.generate import GenerationSettings, generate

SOURCES = [example.src for example in EXAMPLES]


def _manual_greedy(loaded, tokens: list[str], steps: int) -> tuple[list[int], float]:
    """Greedy decoding one token at a time with no cache: an independent reference."""
    import torch

    model, tokenizer = loaded.model, loaded.tokenizer
    encoder_ids = torch.tensor([tokenizer.encode(tokens)])
    decoded = [model.generation_config.decoder_start_token_id]
    total = 0.0
    with torch.inference_mode():
        for step in range(steps):
            logits = model(input_ids=encoder_ids, decoder_input_ids=torch.tensor([decoded])).logits
            log_probs = torch.log_softmax(logits[0, -1].float(), dim=-1)
            if step == 0:
                choice = tokenizer.sos_id  # forced, as in generation
            else:
                allowed = log_probs.clone()
                allowed[[tokenizer.pad_id, tokenizer.unk_id]] = float("-inf")  # suppressed
                choice = int(allowed.argmax())
            total += float(log_probs[choice])
            decoded.append(choice)
            if choice == tokenizer.eos_id:
                break
    return decoded, total


def test_greedy_score_is_the_sequence_log_probability(loaded_random) -> None:
    settings = GenerationSettings(num_beams=1, max_new_tokens=6)
    [[hypothesis]] = generate(loaded_random, [SOURCES[0]], settings)
    ids, expected = _manual_greedy(loaded_random, SOURCES[0], 6)
    assert hypothesis.tokens == loaded_random.tokenizer.decode(ids)
    assert hypothesis.score == pytest.approx(expected, abs=1e-4)


def test_beams_are_sorted_and_batched_in_input_order(loaded_random) -> None:
    settings = GenerationSettings(
        num_beams=3, num_return_sequences=3, max_new_tokens=6, batch_size=2
    )
    results = generate(loaded_random, SOURCES, settings)
    assert len(results) == len(SOURCES)
    for source, hypotheses in zip(SOURCES, results, strict=True):
        assert len(hypotheses) == 3
        scores = [h.score for h in hypotheses]
        assert scores == sorted(scores, reverse=True)
        alone = generate(loaded_random, [source], settings)[0]  # same answer without batching
        assert [h.tokens for h in alone] == [h.tokens for h in hypotheses]
        assert [h.score for h in alone] == pytest.approx(scores, abs=1e-4)


def test_length_limit_marks_unfinished(tmp_path: Path) -> None:
    from lagrangian.model.checkpoint import CheckpointMetadata, load_checkpoint, save_checkpoint
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec

    tokenizer = tokenizer_for_codec(ToyCodec())
    model = build_model(get_preset("tiny"), tokenizer, seed=1)
    model.final_logits_bias[0, tokenizer.eos_id] = -1e4  # this model never ends by itself
    save_checkpoint(tmp_path, model, tokenizer, CheckpointMetadata(codec="toy"))
    loaded = load_checkpoint(tmp_path, device="cpu")
    settings = GenerationSettings(num_beams=2, num_return_sequences=2, max_new_tokens=5)
    for hypothesis in generate(loaded, [SOURCES[1]], settings)[0]:
        assert not hypothesis.finished
        assert hypothesis.to_json() == {
            "tgt": " ".join(hypothesis.tokens),
            "score": hypothesis.score,
            "finished": False,
        }


def test_sampling_is_reproducible_with_a_seed(loaded_random) -> None:
    settings = GenerationSettings(
        num_beams=1, do_sample=True, num_return_sequences=4, top_k=5, seed=11, max_new_tokens=8
    )
    first = generate(loaded_random, SOURCES[:2], settings)
    second = generate(loaded_random, SOURCES[:2], settings)
    assert [[h.tokens for h in row] for row in first] == [[h.tokens for h in row] for row in second]
    assert all(len(row) == 4 for row in first)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (GenerationSettings(num_beams=0), "num_beams"),
        (GenerationSettings(num_beams=2, num_return_sequences=3), "cannot exceed"),
        (GenerationSettings(temperature=0), "temperature"),
        (GenerationSettings(top_p=1.5), "top_p"),
        (GenerationSettings(max_new_tokens=0), "max_new_tokens"),
        (GenerationSettings(batch_size=0), "batch_size"),
    ],
)
def test_bad_settings(loaded_random, settings: GenerationSettings, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(loaded_random, SOURCES[:1], settings)


def test_bad_sources(loaded_random) -> None:
    with pytest.raises(TokenError, match=r"sequence 2: token 1 \('HIGGS'\)"):
        generate(loaded_random, [["FIELD"], ["HIGGS"]])
    too_long = ["1"] * loaded_random.max_positions
    with pytest.raises(TokenError, match="the model accepts at most"):
        generate(loaded_random, [too_long])

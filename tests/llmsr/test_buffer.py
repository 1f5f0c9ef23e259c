"""The island experience buffer: Boltzmann cluster sampling, length preference, resets, JSON."""

from __future__ import annotations

import numpy as np
import pytest

from lagrangian.llmsr.buffer import Cluster, ExperienceBuffer, tempered_softmax
from lagrangian.llmsr.config import BufferConfig


def test_softmax_sums_to_one_and_rejects_non_finite() -> None:
    p = tempered_softmax(np.array([-1e-3, -2e-3, -5.0]), 0.1)
    assert p.sum() == 1.0 and p[0] > p[1] > p[2]
    with pytest.raises(ValueError):
        tempered_softmax(np.array([0.0, np.inf]), 1.0)


def test_cluster_prefers_shorter_programs() -> None:
    cluster = Cluster(-1.0)
    cluster.add(1, 10)
    cluster.add(2, 400)
    rng = np.random.default_rng(0)
    draws = [cluster.sample(rng) for _ in range(2000)]
    assert draws.count(1) > draws.count(2) * 1.5


def test_prompt_programs_come_from_one_island_worse_first() -> None:
    buffer = ExperienceBuffer(BufferConfig(num_islands=2, cluster_sampling_temperature_init=10.0))
    buffer.register(0, -10.0, 20, None)
    for program, score in ((1, -1.0), (2, -5.0), (3, -0.5)):
        buffer.register(program, score, 20, 0)
    rng = np.random.default_rng(1)
    for _ in range(50):
        choice = buffer.choose(rng)
        assert 1 <= len(choice.programs) <= 2
        if choice.island == 1:
            assert choice.programs == [0]
        scores = {0: -10.0, 1: -1.0, 2: -5.0, 3: -0.5}
        assert [scores[p] for p in choice.programs] == sorted(scores[p] for p in choice.programs)


def test_low_temperature_picks_the_best_cluster() -> None:
    buffer = ExperienceBuffer(BufferConfig(num_islands=1, functions_per_prompt=1))
    buffer.register(0, -10.0, 20, None)
    buffer.register(1, -1.0, 20, 0)
    rng = np.random.default_rng(2)
    assert all(buffer.choose(rng).programs == [1] for _ in range(20))


def test_log_loss_logits_make_selection_scale_free() -> None:
    """With the paper's logits tiny MSEs are sampled almost uniformly; log-loss logits are not."""
    rng = np.random.default_rng(3)
    picks = {}
    for kind in ("score", "log_loss"):
        buffer = ExperienceBuffer(
            BufferConfig(num_islands=1, functions_per_prompt=1, cluster_logits=kind)
        )
        buffer.register(0, -1e-4, 20, None)
        buffer.register(1, -1e-8, 20, 0)
        picks[kind] = sum(buffer.choose(rng).programs == [1] for _ in range(400))
    assert picks["log_loss"] == 400
    assert 120 < picks["score"] < 280


def test_reset_reseeds_the_weaker_half_from_survivors() -> None:
    buffer = ExperienceBuffer(BufferConfig(num_islands=4, reset_period_programs=5))
    buffer.register(0, -10.0, 20, None)
    for island, (program, score) in enumerate([(1, -1.0), (2, -2.0), (3, -8.0), (4, -9.0)]):
        buffer.register(program, score, 20, island)
    assert buffer.reset_due()
    buffer.reset_weaker_half(np.random.default_rng(0), {i: 20 for i in range(5)})
    assert buffer.resets == 1 and not buffer.reset_due()
    best = sorted(island.best_program for island in buffer.islands)
    assert set(best) <= {1, 2} and buffer.islands[0].best_program == 1


def test_round_trip_through_json() -> None:
    config = BufferConfig(num_islands=3)
    buffer = ExperienceBuffer(config)
    buffer.register(0, -3.0, 30, None)
    buffer.register(1, -2.0, 25, 1)
    again = ExperienceBuffer.from_dict(config, buffer.to_dict())
    assert again.to_dict() == buffer.to_dict()
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    assert [buffer.choose(a) for _ in range(10)] == [again.choose(b) for _ in range(10)]

"""The LLM-SR experience buffer: islands of programs clustered by score.

Faithful to LLM-SR (itself FunSearch's program database): programs live on islands that
evolve independently; inside an island, programs with the same score form a cluster; a
prompt takes ``functions_per_prompt`` clusters drawn by a Boltzmann distribution over
cluster scores whose temperature decays linearly over a period, and from each cluster a
program drawn with a preference for shorter text; the chosen programs are ordered from worse
to better.  Periodically the weaker half of the islands is wiped and re-seeded with the best
program of a surviving island.  Programs are referred to by their id in the search history,
so the whole buffer serialises to a small JSON object and a run can be resumed exactly.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .config import BufferConfig


def tempered_softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax of ``logits / temperature`` that sums to exactly 1 (as ``numpy.choice`` needs)."""
    if not np.all(np.isfinite(logits)):
        raise ValueError("cluster logits must be finite")
    scaled = (logits - np.max(logits)) / max(temperature, 1e-12)
    weights = np.exp(scaled)
    probabilities = weights / weights.sum()
    top = int(np.argmax(probabilities))
    probabilities[top] = 1.0 - (probabilities.sum() - probabilities[top])
    return probabilities


@dataclass
class Cluster:
    """Programs of one island that share a score."""

    score: float
    programs: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def add(self, program: int, length: int) -> None:
        self.programs.append(program)
        self.lengths.append(length)

    def sample(self, rng: np.random.Generator) -> int:
        """A program, shorter ones preferred (softmax of minus the normalised length)."""
        lengths = np.asarray(self.lengths, dtype=float)
        normalised = (lengths - lengths.min()) / (lengths.max() + 1e-6)
        return self.programs[
            int(rng.choice(len(self.programs), p=tempered_softmax(-normalised, 1.0)))
        ]


@dataclass
class Island:
    """A sub-population: clusters keyed by score, and the number of programs registered."""

    clusters: dict[float, Cluster] = field(default_factory=dict)
    num_programs: int = 0
    best_score: float = -math.inf
    best_program: int | None = None

    def register(self, program: int, score: float, length: int) -> None:
        cluster = self.clusters.get(score)
        if cluster is None:
            cluster = self.clusters[score] = Cluster(score)
        cluster.add(program, length)
        self.num_programs += 1
        if score > self.best_score:
            self.best_score, self.best_program = score, program

    def contains(self, program: int) -> bool:
        return any(program in c.programs for c in self.clusters.values())


def _logit(score: float, kind: str) -> float:
    if kind == "log_loss":
        return -math.log10(max(-score, 1e-300))
    return score


@dataclass(frozen=True)
class PromptChoice:
    """The island a prompt came from and its programs, worse first."""

    island: int
    programs: list[int]


class ExperienceBuffer:
    """Islands of programs, prompt sampling, and periodic island resets."""

    def __init__(self, config: BufferConfig) -> None:
        self.config = config
        self.islands = [Island() for _ in range(config.num_islands)]
        self.registered_since_reset = 0
        self.resets = 0
        self._last_reset_time = time.monotonic()

    def register(self, program: int, score: float, length: int, island: int | None) -> None:
        """Add a program to one island, or to all when ``island`` is ``None`` (the seed)."""
        targets = range(len(self.islands)) if island is None else [island]
        for index in targets:
            self.islands[index].register(program, score, length)
        self.registered_since_reset += 1

    def reset_due(self) -> bool:
        """Whether the weaker half should be reset now (by program count or wall clock)."""
        by_count = self.config.reset_period_programs
        by_time = self.config.reset_period_seconds
        if by_count is not None and self.registered_since_reset >= by_count:
            return True
        return by_time is not None and time.monotonic() - self._last_reset_time > by_time

    def reset_weaker_half(self, rng: np.random.Generator, length_of: dict[int, int]) -> None:
        """Wipe the weaker half of the islands; seed each with the best of a random survivor."""
        best = np.array([island.best_score for island in self.islands])
        order = np.argsort(best + rng.standard_normal(len(best)) * 1e-6)
        half = len(self.islands) // 2
        keep = order[half:]
        for index in order[:half]:
            founder = self.islands[int(rng.choice(keep))]
            self.islands[int(index)] = Island()
            if founder.best_program is not None:
                program = founder.best_program
                self.islands[int(index)].register(program, founder.best_score, length_of[program])
        self.registered_since_reset = 0
        self.resets += 1
        self._last_reset_time = time.monotonic()

    def choose(self, rng: np.random.Generator) -> PromptChoice:
        """Pick an island uniformly, then its prompt programs by Boltzmann cluster sampling."""
        index = int(rng.integers(len(self.islands)))
        island = self.islands[index]
        scores = list(island.clusters)
        if not scores:
            raise RuntimeError("the experience buffer is empty; register the skeleton first")
        period = self.config.cluster_sampling_temperature_period
        temperature = self.config.cluster_sampling_temperature_init * (
            1 - (island.num_programs % period) / period
        )
        logits = np.array([_logit(s, self.config.cluster_logits) for s in scores])
        probabilities = tempered_softmax(logits, temperature)
        count = min(len(scores), self.config.functions_per_prompt)
        picked = rng.choice(len(scores), size=count, p=probabilities)
        chosen = [(scores[i], island.clusters[scores[i]].sample(rng)) for i in picked]
        chosen.sort(key=lambda pair: pair[0])
        return PromptChoice(index, [program for _, program in chosen])

    def to_dict(self) -> dict[str, Any]:
        return {
            "islands": [
                {
                    "num_programs": island.num_programs,
                    "best_score": island.best_score if math.isfinite(island.best_score) else None,
                    "best_program": island.best_program,
                    "clusters": [
                        {"score": c.score, "programs": c.programs, "lengths": c.lengths}
                        for c in island.clusters.values()
                    ],
                }
                for island in self.islands
            ],
            "registered_since_reset": self.registered_since_reset,
            "resets": self.resets,
        }

    @classmethod
    def from_dict(cls, config: BufferConfig, data: dict[str, Any]) -> ExperienceBuffer:
        buffer = cls(config)
        if len(data["islands"]) != config.num_islands:
            raise ValueError("saved island count differs from the configuration")
        for island, saved in zip(buffer.islands, data["islands"], strict=True):
            island.num_programs = int(saved["num_programs"])
            best = saved["best_score"]
            island.best_score = -math.inf if best is None else float(best)
            island.best_program = saved["best_program"]
            for c in saved["clusters"]:
                island.clusters[float(c["score"])] = Cluster(
                    float(c["score"]), list(c["programs"]), list(c["lengths"])
                )
        buffer.registered_since_reset = int(data["registered_since_reset"])
        buffer.resets = int(data["resets"])
        return buffer

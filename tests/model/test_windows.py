"""Field windows: every term of a Lagrangian lives in some four of its fields, so the
engine's answers for all windows merge into the full Lagrangian; and a window's slip is
outvoted where other windows hold the same fields."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.model.codec.operators import OperatorsCodec, OperatorTerm, operator_terms
from lagrangian.model.windows import merge, sub_model, windows
from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.training.sampling import PROFILES, sample_fields, to_model

CODEC = OperatorsCodec()


def _renamed(fields):
    """Fields named S1, F2, … by position, so repeated samples never clash."""
    return [replace(f, name=f"{f.name[0]}{k + 1}") for k, f in enumerate(fields)]


def _canonical(terms) -> Counter:
    return Counter(t.canonical() for t in terms)


def test_windows_cover_every_subset_once() -> None:
    assert windows(3, 4) == [(0, 1, 2)]
    assert len(windows(6, 4)) == 15 and len(set(windows(6, 4))) == 15
    assert all(len(w) == 4 for w in windows(8, 4))
    with pytest.raises(ValueError, match="at least 4"):
        windows(6, 3)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10**6), st.integers(5, 7))
def test_the_engine_answers_of_all_windows_merge_into_the_full_lagrangian(
    seed: int, n: int
) -> None:
    config = PROFILES["standard"]
    fields = sample_fields(random.Random(seed), config, "enriched")
    while len(fields) < n:  # top up to n fields
        fields += sample_fields(random.Random(seed + len(fields)), config, "enriched")
    model = to_model(_renamed(fields[:n]))
    answers = []
    for window in windows(n, 4):
        part = sub_model(model, window)
        tokens = CODEC.encode_terms(part, complete_lagrangian(part))
        answers.append((window, CODEC.decode(tokens, len(window)).terms))
    truth = operator_terms(model, complete_lagrangian(model))
    assert _canonical(merge(answers)) == _canonical(truth)


def test_a_slip_in_one_window_is_outvoted() -> None:
    # Five fields, windows of four: fields 0 and 1 share three windows.
    plan = windows(5, 4)
    mass = OperatorTerm("potential", ((0, False), (1, True)))
    answers = []
    for k, window in enumerate(plan):
        terms = [OperatorTerm("kinetic", ((i, False),)) for i in range(4)]
        terms.append(OperatorTerm("gauge_kinetic", group="U1"))
        at = window.index
        if {0, 1} <= set(window) and k != 0:  # the first window forgets the mass term
            terms.append(OperatorTerm("potential", ((at(0), False), (at(1), True))))
        if k == 3:  # and window (0, 2, 3, 4) invents a term of fields 2 and 3
            terms.append(OperatorTerm("potential", ((at(2), False), (at(3), False))))
        answers.append((window, terms))
    merged = merge(answers)
    assert mass in merged
    assert all(t.objects != ((2, False), (3, False)) for t in merged)
    assert [t.objects[0][0] for t in merged if t.kind == "kinetic"] == [0, 1, 2, 3, 4]
    assert [t.group for t in merged if t.kind == "gauge_kinetic"] == ["U1"]


def test_the_shipped_checkpoint_answers_through_windows() -> None:
    """The real default model on five fields, windows of four: five model calls merged into
    one answer that verification completes into exactly the engine's Lagrangian."""
    from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR, load_checkpoint
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate

    loaded = load_checkpoint(DEFAULT_CHECKPOINT_DIR, device="cpu")
    assert loaded.metadata.codec == "operators"
    fields = sample_fields(random.Random(11), PROFILES["standard"], "enriched")
    fields = (fields * 5)[:5]
    model = to_model(_renamed(fields))
    settings = GenerationSettings(num_beams=1, window=4)
    (result,) = generate([model], loaded, settings)
    assert result.info["windows"] == 5
    assert [t for t, _ in result.verification.terms] == complete_lagrangian(model)
    assert result.info["generated"] == result.info["verified"] + result.info["dropped"]
    assert "model" in {source for _, source in result.verification.terms}

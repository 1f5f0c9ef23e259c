"""The units format: one token per charge, in units of the content's charge quantum; the
source and target do not depend on the declaration order; positions map back exactly."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.model.codec import check_vocabulary, codec_by_name, split_tokens
from lagrangian.model.codec.operators import OperatorsCodec
from lagrangian.model.codec.units import UnitsCodec, charge_units, unit_tokens
from lagrangian.model.windows import sub_model
from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.training.evaluate import _model, canonical_terms
from lagrangian.training.sampling import PROFILES, sample_fields, to_model

CODEC = UnitsCodec()


@pytest.mark.parametrize(
    ("charges", "units"),
    [
        (["1/2", "-1/2", "1/6"], [3, -3, 1]),  # sixths: the quark doublet is the quantum
        (["1/2", "-1"], [1, -2]),
        (["2", "-4", "0"], [1, -2, 0]),  # a common factor is divided out
        (["1/3", "1/4"], [4, 3]),
        (["0", "0"], [0, 0]),
    ],
)
def test_charges_in_units_of_their_quantum(charges: list[str], units: list[int]) -> None:
    assert charge_units([Fraction(c) for c in charges]) == units


def test_one_token_within_the_limit_digits_beyond() -> None:
    assert unit_tokens(-3) == ["Q-3"] and unit_tokens(60) == ["Q60"]
    assert unit_tokens(-123) == ["Q", "-", "1", "2", "3"]
    words = set(check_vocabulary(codec_by_name("units")))
    assert {"Q-60", "Q0", "Q60", "Q", "TIMES"} <= words and len(words) < 250  # one byte


def test_the_standard_model_lepton_sector_by_hand() -> None:
    """L (1,2,-1/2) left, e (1,1,-1) right, H (1,2,1/2): quantum 1/2, so -1, -2, 1; sorted
    fermions first (F < S), the doublet L before the singlet e (S < U)."""
    model = _model("scalar H (1,2,1/2); fermion e (1,1,-1) right; fermion L (1,2,-1/2) left")
    assert CODEC.encode_fields(model) == (
        split_tokens("FERMION SU2 2 U1 Q-1 LEFT FERMION U1 Q-2 RIGHT SCALAR SU2 2 U1 Q1")
    )
    assert CODEC.field_order(model) == (2, 1, 0)
    target = CODEC.encode_terms(model, complete_lagrangian(model))
    # the Yukawa L e-bar H-bar: positions 1, 2 (conjugate), 3 (conjugate)
    joined = " ".join(target)
    assert "TERM F 1 F 2 DAGGER F 3 DAGGER" in joined


def test_doubling_every_charge_changes_nothing() -> None:
    one = _model("scalar H (1,2,1/2); fermion L (1,2,-1/2) left")
    two = _model("scalar H (1,2,1); fermion L (1,2,-1) left")
    assert CODEC.encode_fields(one) == CODEC.encode_fields(two)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(sorted(PROFILES)), st.randoms())
def test_declaration_order_does_not_matter_and_positions_map_back(
    seed: int, profile: str, rng: random.Random
) -> None:
    model = to_model(sample_fields(random.Random(seed), PROFILES[profile], "enriched"))
    target = CODEC.encode_terms(model, complete_lagrangian(model))
    order = list(range(len(model.fields)))
    rng.shuffle(order)
    shuffled = sub_model(model, order)
    assert CODEC.encode_fields(shuffled) == CODEC.encode_fields(model)
    assert CODEC.encode_terms(shuffled, complete_lagrangian(shuffled)) == target
    # renumbered in declaration order, the units target is the operators target, up to
    # which of a monomial and its conjugate each writes
    operators = OperatorsCodec()
    truth = operators.encode_terms(model, complete_lagrangian(model))
    assert _up_to_conjugation(model, canonical_terms(CODEC, target, model)) == (
        _up_to_conjugation(model, canonical_terms(operators, truth))
    )


def _up_to_conjugation(model, terms) -> Counter:
    out: Counter = Counter()
    for term, count in terms.items():
        flipped = tuple(sorted((i, d if model.fields[i].real else not d) for i, d in term.objects))
        key = min(term.objects, flipped) if term.kind == "potential" else term.objects
        out[(term.kind, key, term.ordinal, term.group)] += count
    return out


def test_the_pipeline_answers_in_declaration_order(tmp_path) -> None:
    """A units checkpoint reads the fields in its own order; its answer comes back renumbered
    in the declaration order, verified like an operators answer."""
    from lagrangian.model.checkpoint import CheckpointMetadata, load_checkpoint, save_checkpoint
    from lagrangian.model.constrained import grammar
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec

    tokenizer = tokenizer_for_codec(CODEC)
    save_checkpoint(
        tmp_path,
        build_model(get_preset("tiny"), tokenizer, seed=0),
        tokenizer,
        CheckpointMetadata(codec="units", preset="tiny"),
    )
    loaded = load_checkpoint(tmp_path, device="cpu")
    model = _model("scalar H (1,2,1/2); fermion e (1,1,-1) right; fermion L (1,2,-1/2) left")
    (result,) = generate([model], loaded, GenerationSettings(max_new_tokens=40))
    info = result.info
    assert info["constrained"] and info["generated"] == info["verified"] + info["dropped"] > 0
    rules = grammar(model)  # declaration order: the answer was renumbered
    out = result.output
    assert all(t in (rules.allowed(out[:i]) or ()) for i, t in enumerate(out)), out

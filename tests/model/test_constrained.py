"""Constrained decoding: the grammar admits every true Lagrangian token by token, rules out
monomials that fail a necessary condition, and never uses the engine's counts."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.model.codec import split_tokens
from lagrangian.model.codec.operators import OperatorsCodec
from lagrangian.model.constrained import grammar, possible_monomials
from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.physics.monomials import Occurrence
from lagrangian.training.sampling import PROFILES, sample_fields, to_model

CODEC = OperatorsCodec()


def _model(declarations: str):
    from lagrangian.training.evaluate import _model as read

    return read(declarations)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(sorted(PROFILES)))
def test_every_true_target_is_allowed_token_by_token(seed: int, profile: str) -> None:
    """The constraint is necessary, never sufficient: what the engine writes passes it."""
    model = to_model(sample_fields(random.Random(seed), PROFILES[profile], "enriched"))
    target = CODEC.encode_terms(model, complete_lagrangian(model))
    rules = grammar(model)
    for position, token in enumerate([*target, "[EOS]"]):
        allowed = rules.allowed(target[:position])
        assert allowed is not None and token in allowed, (target[:position], token)


def test_charges_nality_and_chirality_rule_monomials_out() -> None:
    """Worked by hand for H (1,2,1/2), a real singlet S, L (1,2,-1/2) left, e (1,1,-1) right,
    Q (3,2,1/6) left."""
    model = _model(
        "scalar H (1,2,1/2); scalar S (1,1,0) real; fermion L (1,2,-1/2) left; "
        "fermion e (1,1,-1) right; fermion Q (3,2,1/6) left"
    )
    H, Hd, S, L, Ld, e, ed, Q, Qd = (
        Occurrence(0, False), Occurrence(0, True), Occurrence(1, False),
        Occurrence(2, False), Occurrence(2, True), Occurrence(3, False),
        Occurrence(3, True), Occurrence(4, False), Occurrence(4, True),
    )  # fmt: skip
    found = set(possible_monomials(model))
    assert (H, Hd) in found and (S,) in found and (H, Hd, S) in found
    assert (H, H, Hd, Hd) in found
    assert (H, H) not in found  # hypercharge 1
    assert (H, Ld, e) in found  # the lepton Yukawa: L-bar e H, charges -(-1/2) - 1 + 1/2
    assert (H, L, e) not in found  # charge -1
    assert (Ld, ed) not in found  # charge 3/2, and a right- with a left-handed spinor
    assert (L, L) not in found  # hypercharge -1
    assert (Q, Qd) not in found  # a left and a right-handed spinor: no scalar
    assert (Q, Q, Q) not in found  # dimension 9/2
    assert (H, H, H, Hd) not in found  # charge 1
    # n-ality: three triplets of colour with no charge would pass; one triplet never does
    colour = _model("scalar T (3,1,0); scalar X (3,1,0)")
    t, x = Occurrence(0, False), Occurrence(1, False)
    assert (t, t, x) in set(possible_monomials(colour))
    assert (t, x) not in set(possible_monomials(colour))


def test_grammar_does_not_know_the_invariant_counts() -> None:
    """``H H`` of a neutral doublet passes (the doublets' epsilon is antisymmetric, so the
    engine has no such term), and ``TIMES`` takes any count: the model still decides."""
    model = _model("scalar H (1,2,0)")
    rules = grammar(model)
    assert {"TERM", "KINETIC", "GAUGE", "[EOS]"} <= rules.allowed([])  # type: ignore[operator]
    after = rules.allowed(split_tokens("TERM F 1 F 1"))
    assert after is not None and {"TIMES", "F", "[EOS]"} <= after
    assert "9" in rules.allowed(split_tokens("TERM F 1 F 1 TIMES"))  # type: ignore[operator]
    assert "[EOS]" not in rules.allowed(split_tokens("TERM F 1 F 1 TIMES 1"))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("target", "banned"),
    [
        ("TERM F 1", {"[EOS]", "TIMES", "TERM"}),  # H alone is charged
        ("TERM F 1 F 1", {"[EOS]", "TIMES"}),  # H H: hypercharge 1
        ("TERM F 1 F 1 DAGGER F", {"1"}),  # sorted: no H after H-bar, and H H-bar H-bar
        ("TERM F 2", {"DAGGER"}),  # S is real
    ],
)
def test_format_rules(target: str, banned: set[str]) -> None:
    model = _model("scalar H (1,2,1/2); scalar S (1,1,0) real")
    allowed = grammar(model).allowed(split_tokens(target))
    assert allowed is not None
    assert not (banned & allowed), (target, allowed)


def test_an_entry_is_written_once() -> None:
    """A monomial and its conjugate are one entry; kinetic and gauge terms once each."""
    model = _model("scalar H (1,2,1/2); scalar S (1,1,0) real")
    rules = grammar(model)
    done = split_tokens("TERM F 1 F 1 DAGGER")
    assert "[EOS]" not in rules.allowed([*done, "TERM", "F", "1", "F", "1", "DAGGER"])  # type: ignore[operator]
    assert "1" not in rules.allowed(split_tokens("KINETIC F 1 KINETIC F"))  # type: ignore[operator]
    # S S: only S S S and S S S S and S S H H-bar continue once S S is written
    rest = rules.allowed(split_tokens("TERM F 2 F 2 TERM F 2 F 2"))
    assert rest == {"F"}


@pytest.fixture(scope="module")
def random_operators(tmp_path_factory: pytest.TempPathFactory):
    """An untrained operators model: left alone it writes token salad."""
    from lagrangian.model.checkpoint import CheckpointMetadata, load_checkpoint, save_checkpoint
    from lagrangian.model.presets import build_model, get_preset
    from lagrangian.model.tokenizer import tokenizer_for_codec

    tokenizer = tokenizer_for_codec(CODEC)
    model = build_model(get_preset("tiny"), tokenizer, seed=0)
    folder = tmp_path_factory.mktemp("random-operators")
    save_checkpoint(folder, model, tokenizer, CheckpointMetadata(codec="operators", preset="tiny"))
    return load_checkpoint(folder, device="cpu")


def test_constrained_generation_stays_in_the_grammar(random_operators) -> None:
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate

    models = [
        _model("scalar H (1,2,1/2); scalar S (1,1,0) real"),
        _model("scalar H (1,2,1/2); fermion L (1,2,-1/2) left; fermion e (1,1,-1) right"),
    ]

    settings = GenerationSettings(max_new_tokens=40)  # constrained by default: operators
    for model, result in zip(models, generate(models, random_operators, settings)):
        assert result.info["constrained"]
        rules = grammar(model)
        out = result.output
        assert "TERM" in out  # left alone, this model writes no entry at all
        assert all(t in (rules.allowed(out[:i]) or ()) for i, t in enumerate(out)), out


def test_formats_without_the_grammar_are_free_unless_asked(loaded_random) -> None:
    """The toy format has no monomials: the default leaves it alone, asking is an error."""
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import _constrained

    assert not _constrained(GenerationSettings(), loaded_random)
    with pytest.raises(ValueError, match="needs the operators or units format"):
        _constrained(GenerationSettings(constrained=True), loaded_random)

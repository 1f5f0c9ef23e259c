"""The operators format: monomials and multiplicities round trip exactly, decode to one
term per invariant, verify completely, and mistakes are dropped with their reasons."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.model.codec import check_vocabulary, codec_by_name, split_tokens
from lagrangian.model.codec.compact import CompactCodec
from lagrangian.model.codec.operators import OperatorsCodec
from lagrangian.model.verify import proposals_from_tokens, verify
from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.training.sampling import PROFILES, sample_fields, to_model

CODEC = OperatorsCodec()


def _monomials(terms) -> Counter:
    return Counter(
        tuple(sorted((o.index, o.conjugate) for o in t.occurrences))
        for t in terms
        if t.kind not in ("kinetic", "gauge_kinetic")
    )


def test_registered_with_a_wellformed_vocabulary_and_the_compact_source() -> None:
    codec = codec_by_name("operators")
    assert isinstance(codec, OperatorsCodec)
    assert "TIMES" in check_vocabulary(codec)
    model = to_model(sample_fields(random.Random(0), PROFILES["wide"], "enriched"))
    assert codec.encode_fields(model) == CompactCodec().encode_fields(model)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(sorted(PROFILES)))
def test_one_decoded_term_per_engine_invariant(seed: int, profile: str) -> None:
    model = to_model(sample_fields(random.Random(seed), PROFILES[profile], "enriched"))
    terms = complete_lagrangian(model)
    tokens = CODEC.encode_terms(model, terms)
    decoded = CODEC.decode(tokens, len(model.fields))
    assert not decoded.errors
    assert len(decoded.terms) == len(terms)
    potential = [t for t in decoded.terms if t.kind == "potential"]
    assert Counter(t.objects for t in potential) == _monomials(terms)
    # ordinals number the invariants of each monomial 0, 1, …
    for objects, n in Counter(t.objects for t in potential).items():
        assert sorted(t.ordinal for t in potential if t.objects == objects) == list(range(n))


def test_much_shorter_than_the_compact_format() -> None:
    rng = random.Random(1)
    operators = compact = 0
    for _ in range(40):
        model = to_model(sample_fields(rng, PROFILES["standard"], "enriched"))
        terms = complete_lagrangian(model)
        operators += len(CODEC.encode_terms(model, terms))
        compact += len(CompactCodec().encode_terms(model, terms))
    assert compact > 2 * operators


def test_engine_output_verifies_completely_across_profiles() -> None:
    for profile in sorted(PROFILES):
        rng = random.Random(7)
        for _ in range(25):
            model = to_model(sample_fields(rng, PROFILES[profile], "enriched"))
            terms = complete_lagrangian(model)
            tokens = CODEC.encode_terms(model, terms)
            result = verify(model, *proposals_from_tokens(model, CODEC, tokens))
            assert result.dropped == 0, result.reasons
            assert {source for _, source in result.terms} == {"model"}


def test_mistakes_are_dropped_with_reasons_and_filled_in() -> None:
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    model, problems = build_model(
        None, parse_declarations("scalar H (1, 2, 1/2); scalar S (1, 1, 0) real").fields
    )
    assert not problems
    terms = complete_lagrangian(model)
    truth = CODEC.encode_terms(model, terms)
    assert " ".join(truth).count("TERM") == len(_monomials(terms))
    # Forget H^dagger H S (a trilinear), add a charged cubic, S S once too often,
    # and a piece that does not parse.
    head, *rest = " ".join(truth).split(" TERM ")
    pieces = [head, *(f"TERM {piece}" for piece in rest)]
    pieces.remove("TERM F 1 F 1 DAGGER F 2")
    broken = " ".join(pieces) + " TERM F 1 F 1 F 1 TERM F 2 F 2 TERM F 9"
    proposals, unparsed = proposals_from_tokens(model, CODEC, split_tokens(broken))
    result = verify(model, proposals, unparsed)
    assert result.dropped == 3
    assert any("charges add up" in reason for reason in result.reasons)
    assert any("independent invariant" in reason for reason in result.reasons)
    engine = [t for t, source in result.terms if source == "engine"]
    assert [(t.kind, len(t.occurrences)) for t in engine] == [("trilinear", 3)]

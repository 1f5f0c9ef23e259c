"""The BART-L and compact token formats: exact round trips (any number length), the paper's
U(1) normalisation, tolerant decoding, and the compact format's length advantage."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.model.codec import check_vocabulary, codec_by_name
from lagrangian.model.codec.bartl import BartLCodec, FieldObject, decode_terms
from lagrangian.model.codec.compact import CompactCodec, PositionalTerm
from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.training.sampling import FieldSpec, SamplingConfig, sample_fields, to_model

charges = st.builds(Fraction, st.integers(-(10**12), 10**12), st.integers(1, 10**6)).filter(bool)


def _model(charge: Fraction):
    """A scalar pair with opposite charges and a fermion: masses, quartics, a Yukawa."""
    return to_model(
        [
            FieldSpec("scalar", "S1", "3", "2", charge),
            FieldSpec("scalar", "S2", "-3", "2", -charge),
            FieldSpec("fermion", "F1", "1", "1", Fraction(0), "left"),
        ]
    )


def test_registry_resolves_both_codecs_with_wellformed_vocabularies() -> None:
    for name in ("bartl", "compact"):
        codec = codec_by_name(name)
        assert codec.name == name
        assert check_vocabulary(codec)
    assert len(BartLCodec().vocabulary()) <= 45  # the paper's vocabulary is about 41 tokens


@settings(max_examples=25, deadline=None)
@given(charges)
def test_bartl_round_trip_with_charges_of_any_length(charge: Fraction) -> None:
    model = _model(charge)
    codec = BartLCodec()
    tokens = codec.encode_terms(model, complete_lagrangian(model))
    decoded = decode_terms(tokens)
    assert not decoded.errors
    assert [t for term in decoded.terms for t in term.tokens()] == tokens
    declared = {
        Fraction(value)
        for term in codec.decode(tokens).terms
        for obj, _ in term.objects
        if isinstance(obj, FieldObject)
        for group, value in obj.reps
        if group == "U1"
    }
    assert declared <= {charge, -charge} and declared


@settings(max_examples=25, deadline=None)
@given(charges)
def test_compact_round_trip_with_charges_of_any_length(charge: Fraction) -> None:
    model = _model(charge)
    codec = CompactCodec()
    tokens = codec.encode_terms(model, complete_lagrangian(model))
    decoded = codec.decode(tokens, len(model.fields))
    assert not decoded.errors
    assert [t for term in decoded.terms for t in term.tokens()] == tokens
    source = " ".join(codec.encode_fields(model))
    assert f"U1 {' '.join(str(charge))} " in source


positional = st.one_of(
    st.builds(
        lambda g: PositionalTerm("gauge_kinetic", group=g), st.sampled_from(["SU3", "SU2", "U1"])
    ),
    st.builds(lambda i: PositionalTerm("kinetic", ((i, False),)), st.integers(0, 10**6)),
    st.lists(st.tuples(st.integers(0, 10**6), st.booleans()), min_size=1, max_size=4).flatmap(
        lambda objects: st.builds(
            lambda entries: PositionalTerm("potential", tuple(objects), tuple(entries)),
            st.lists(
                st.tuples(
                    st.sampled_from(["SU3", "SU2"]),
                    st.lists(st.integers(0, len(objects) - 1), min_size=1, max_size=3).map(tuple),
                ),
                max_size=4,
            ),
        )
    ),
)


@given(st.lists(positional, max_size=6))
def test_compact_terms_round_trip_with_field_positions_of_any_length(terms) -> None:
    tokens = [t for term in terms for t in term.tokens()]
    assert CompactCodec().decode(tokens).terms == terms


def test_bartl_uses_the_paper_normalisation_by_default() -> None:
    higgs = to_model([FieldSpec("scalar", "H", "1", "2", Fraction(1, 2))])
    assert BartLCodec().encode_fields(higgs) == ["FIELD", "SPIN", "0", "SU2", "2", "U1", "1"]
    declared = BartLCodec(u1_scale=Fraction(1)).encode_fields(higgs)
    assert declared[-3:] == ["1", "/", "2"]
    (mass,) = [t for t in complete_lagrangian(higgs) if t.kind == "scalar_mass"]
    assert " ".join(BartLCodec().encode_term(higgs, mass)) == (
        "- FIELD SPIN 0 SU2 2 U1 - 1 DAGGER ID0 FIELD SPIN 0 SU2 2 U1 1 ID1 "
        "CONTRACTIONS SU2 ID0 ID1"
    )


def test_malformed_terms_are_reported_with_positions_and_skipped() -> None:
    good = ["-", "FIELD", "SPIN", "0", "ID0", "CONTRACTIONS"]
    broken = ["-", "FIELD", "SPIN", "ID0", "CONTRACTIONS"]
    decoded = decode_terms([*good, *broken, *good])
    assert len(decoded.terms) == 2 and len(decoded.errors) == 1
    assert decoded.errors[0].startswith("token 10: expected a number")
    compact = CompactCodec().decode(
        ["TERM", "F", "1", "TERM", "F", "3", "KINETIC", "F", "0", "GAUGE", "SU5"], 2
    )
    assert len(compact.terms) == 1 and len(compact.errors) == 3
    assert "does not exist" in compact.errors[0]


def test_formats_cover_the_standard_model_group_only() -> None:
    from lagrangian.grammar import parse_document
    from lagrangian.model.codec import TokenError
    from lagrangian.physics.fields import build_model

    document = parse_document("gauge SU5\nscalar X (5)\n")
    model, problems = build_model(document.gauge, document.fields)
    assert not problems
    with pytest.raises(TokenError, match="SU3 x SU2 x U1 only"):
        CompactCodec().encode_fields(model)


def test_compact_targets_are_several_times_shorter() -> None:
    rng = random.Random(7)
    bartl = compact = 0
    for _ in range(30):
        model = to_model(sample_fields(rng, SamplingConfig(max_fields=4), "enriched"))
        terms = complete_lagrangian(model)
        bartl += len(BartLCodec().encode_terms(model, terms))
        compact += len(CompactCodec().encode_terms(model, terms))
    assert bartl > 2.5 * compact

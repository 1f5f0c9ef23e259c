"""Verification: engine output verifies completely; corrupted output (wrong charge,
vanishing contraction, duplicate) is dropped and counted, and the engine fills it in."""

from __future__ import annotations

from lagrangian.grammar import parse_declarations
from lagrangian.model.codec.bartl import BartLCodec, decode_terms
from lagrangian.model.codec.compact import CompactCodec, PositionalTerm
from lagrangian.model.codec.operators import OperatorsCodec
from lagrangian.model.verify import proposals_from_tokens, verify
from lagrangian.physics.fields import build_model
from lagrangian.physics.lagrangian import complete_lagrangian

TWO_HIGGS = (
    "scalar H1 (1, 2, 1/2); scalar H2 (1, 2, 1/2); fermion L (1, 2, -1/2) left; "
    "fermion e (1, 1, -1) right; scalar S (8, 1, 0) real; fermion N (1, 2, 0) left"
)


def _model(text: str = TWO_HIGGS):
    model, problems = build_model(None, parse_declarations(text).fields)
    assert not problems
    return model


def _sources(verification) -> list[str]:
    return [source for _, source in verification.terms]


def test_engine_output_verifies_completely_in_both_formats() -> None:
    model = _model()
    terms = complete_lagrangian(model)
    for codec in (BartLCodec(), CompactCodec()):
        proposals, unparsed = proposals_from_tokens(model, codec, codec.encode_terms(model, terms))
        result = verify(model, proposals, unparsed)
        assert result.counts() == {"generated": len(terms), "verified": len(terms), "dropped": 0}
        assert [t for t, _ in result.terms] == terms
        assert set(_sources(result)) == {"model"}


def test_lower_index_epsilons_and_many_invariants_verify_in_every_format() -> None:
    """eps^{abc} on three antitriplets (or antisextets) and a quartic of two octet doublets
    with 16 invariants: the epsilon-only rewriting keeps every invariant nonzero and
    independent."""
    texts = (
        "scalar A (3bar, 1, 1/3); scalar D (3bar, 1, 1/3); scalar C (3bar, 1, -2/3)",
        "scalar A (6bar, 1, 1/3); scalar C (6bar, 1, -2/3)",
        "scalar S (8, 2, 1/2); scalar T (8, 2, 3/2)",
    )
    for text in texts:
        model = _model(text)
        terms = complete_lagrangian(model)
        for codec in (BartLCodec(), CompactCodec(), OperatorsCodec()):
            tokens = codec.encode_terms(model, terms)
            result = verify(model, *proposals_from_tokens(model, codec, tokens))
            assert result.dropped == 0, (text, codec.name, result.reasons)
            assert set(_sources(result)) == {"model"}
    assert max(t.multiplicity for t in terms) == 16


def test_corrupted_output_is_dropped_and_the_engine_fills_it_in() -> None:
    model = _model()
    codec = BartLCodec()
    terms = complete_lagrangian(model)
    pieces = [decode_terms(codec.encode_term(model, t)).terms[0] for t in terms]
    yukawa = next(k for k, t in enumerate(terms) if t.kind == "yukawa")
    # A wrong charge: e's U1 -2 (paper normalisation) printed as -4.
    wrong = " ".join(pieces[yukawa].tokens()).replace("U1 2 HEL", "U1 4 HEL").split()
    tokens = [tok for k, piece in enumerate(pieces) if k != yukawa for tok in piece.tokens()]
    proposals, unparsed = proposals_from_tokens(model, codec, [*tokens, *wrong])
    # A vanishing contraction: the Majorana-like N N with an SU(2) epsilon is zero by Fermi
    # statistics; and a duplicate of the first quartic.
    vanishing = PositionalTerm("potential", ((5, False), (5, False)), (("SU2", (0, 1)),))
    quartic = next(p for p, t in zip(proposals, terms) if t.kind == "quartic")
    result = verify(model, [*proposals, vanishing, quartic], unparsed)
    assert result.counts() == {
        "generated": len(terms) + 2,
        "verified": len(terms) - 1,
        "dropped": 3,
    }
    assert result.reasons == [
        "no field assignment matches the quantum numbers",
        "the contraction vanishes identically",
        "more terms than the 1 independent invariant(s)",
    ]
    assert [t for t, _ in result.terms] == terms
    # H1 and H2 share their quantum numbers, so the surviving Yukawa may be read as either;
    # exactly one Yukawa is left for the engine.
    (filled,) = [k for k, s in enumerate(_sources(result)) if s == "engine"]
    assert terms[filled].kind == "yukawa"


def test_a_different_basis_of_a_multi_invariant_monomial_is_accepted() -> None:
    model = _model("scalar H1 (1, 2, 1/2); scalar H2 (1, 2, 1/2)")
    terms = complete_lagrangian(model)
    target = [t for t in terms if t.multiplicity == 2]
    assert len(target) == 2
    # (H1^dagger H1)(H2^dagger H2) written with the other pairing of the epsilons, once.
    objects = ((0, True), (1, True), (0, False), (1, False))
    other = PositionalTerm("potential", objects, (("SU2", (0, 3)), ("SU2", (1, 2))))
    result = verify(model, [other])
    sources = dict(result.terms)
    assert result.verified == 1
    assert sorted(sources[t] for t in target) == ["engine", "model"]
    too_many = [other, PositionalTerm("potential", objects, (("SU2", (0, 2)), ("SU2", (1, 3))))]
    result = verify(model, [*too_many, PositionalTerm("potential", objects, other.contractions)])
    assert result.verified == 2 and result.dropped == 1
    assert all(sources_ == "model" for t, sources_ in result.terms if t in target)


def test_structural_errors_are_rejected_with_reasons() -> None:
    model = _model()
    proposals = [
        PositionalTerm("potential", ((0, True), (0, False)), (("SU2", (0,)),)),
        PositionalTerm("potential", ((0, True), (0, False)), ()),
        PositionalTerm("potential", ((2, False), (3, False))),  # L e: left with right
        PositionalTerm("potential", ((0, False),)),  # a tadpole of a charged field
        PositionalTerm("potential", ((0, True), (0, False), (5, False), (5, False))),
        PositionalTerm("gauge_kinetic", group="SU2"),
        PositionalTerm("gauge_kinetic", group="SU2"),
    ]
    result = verify(model, proposals)
    assert result.reasons == [
        "an SU2 epsilon joins 1 indices, not 2",
        "not every SU2 index is contracted",
        "a left- and a right-handed spinor have no Lorentz invariant without sigma",
        "the U1 charges add up to 1/2, not 0",
        "not a renormalizable monomial",
        "duplicate gauge kinetic term",
    ]
    assert result.verified == 1 and result.dropped == 6


def test_contractions_over_a_group_without_epsilons_are_rejected() -> None:
    model = _model("scalar H (1, 2, 1/2)")
    term = PositionalTerm("potential", ((0, True), (0, False)), (("U1", (0, 1)),))
    assert verify(model, [term]).reasons == ["U1 is not an SU(N) factor of the gauge group"]

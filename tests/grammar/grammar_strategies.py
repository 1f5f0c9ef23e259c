"""Hypothesis strategies for random syntax trees and random near-miss text."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from lagrangian.grammar.ast import (
    Derivative,
    Document,
    Epsilon,
    FieldDecl,
    GaugeDecl,
    GaugeFactor,
    Group,
    Index,
    Number,
    RepSpec,
    Sigma,
    Symbol,
    Term,
)
from lagrangian.grammar.names import GREEK, RESERVED, index_name_problem, symbol_name_problem

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Any name of the language: a letter, then letters or digits, then perhaps a prime.
_names = st.builds(
    lambda first, rest, prime: first + rest + prime,
    st.sampled_from(_LETTERS),
    st.text(_LETTERS + "0123456789", max_size=4),
    st.sampled_from(["", "", "'"]),
)

symbol_names = st.one_of(
    st.sampled_from(sorted(GREEK)),
    st.sampled_from(["H", "H1", "Delta", "L", "Q", "u", "y", "m2", "lam3", "T", "S'", "h"]),
    _names,
).filter(
    # ``\\gamma^\\mu`` is a Dirac matrix, ``P_L`` a projector, ``\\tau_2`` is eps and ``C``
    # after ``psi^T`` the charge-conjugation matrix in LaTeX: such symbols read otherwise.
    lambda name: symbol_name_problem(name) is None and name not in ("gamma", "P", "C", "tau")
)

_index_words = st.one_of(
    st.sampled_from(list("abcdijkmnpqrsABPQ")),
    st.sampled_from(["mu", "nu", "rho", "sigma", "epsilon", "Delta", "Lambda", "omicron"]),
    st.sampled_from(["1", "2", "12", "345", "a1", "i'", "HS", "T", "dagger"]),
    _names,
)


@st.composite
def indices(draw: st.DrawFn, max_size: int = 3) -> tuple[Index, ...]:
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        upper = draw(st.booleans())
        # A lone upper ``c`` reads as a charge conjugate in LaTeX (``\\psi^c``).
        name = draw(
            _index_words.filter(
                lambda w, u=upper: index_name_problem(w, u) is None and not (u and w in "cC")
            )
        )
        out.append(Index(name, upper))
    return tuple(out)


powers = st.one_of(st.just(1), st.just(1), st.integers(1, 12))

symbols = st.builds(
    Symbol,
    name=symbol_names,
    conjugate=st.booleans(),
    transpose=st.booleans(),
    indices=indices(),
    power=powers,
)
epsilons = st.builds(Epsilon, indices=indices())
# ``\\sigma_2`` is i sigma_2 = eps in LaTeX, with or without more scripts after it.
sigmas = st.builds(
    Sigma,
    bar=st.booleans(),
    indices=indices(max_size=2).filter(lambda t: not any(i.name == "2" and not i.upper for i in t)),
)


def _extend(inner: st.SearchStrategy) -> st.SearchStrategy:
    operands = inner.filter(lambda f: isinstance(f, (Symbol, Group, Derivative)))
    groups = st.builds(
        Group,
        factors=st.lists(inner, min_size=1, max_size=3).map(tuple),
        conjugate=st.booleans(),
        transpose=st.booleans(),
        power=powers,
    )
    lone_index = st.one_of(st.none(), indices(max_size=1).filter(len).map(lambda t: t[0]))
    derivatives = st.builds(Derivative, covariant=st.booleans(), index=lone_index, operand=operands)
    return st.one_of(groups, derivatives)


factors = st.recursive(st.one_of(symbols, epsilons, sigmas), _extend, max_leaves=6)

numbers = st.builds(
    Number,
    value=st.fractions(min_value=0, max_value=1000, max_denominator=50).map(Fraction),
)

terms = st.builds(
    Term,
    sign=st.sampled_from([1, -1]),
    factors=st.lists(factors, min_size=1, max_size=4).map(tuple),
    numbers=st.lists(numbers, max_size=2).map(tuple),
    imaginary=st.booleans(),
    hc=st.booleans(),
)

_field_names = _names.filter(lambda n: n not in RESERVED)
_su_reps = st.sampled_from(["1", "2", "3", "-3", "3bar", "6bar", "8", "10", "-10", "15'", "[1,1]"])
_charges = st.fractions(min_value=-50, max_value=50, max_denominator=12)


@st.composite
def field_decls(draw: st.DrawFn, factors: tuple[GaugeFactor, ...]) -> FieldDecl:
    reps = []
    for factor in factors:
        if factor.is_abelian:
            charge = draw(_charges)
            reps.append(RepSpec(str(charge), charge=charge))
        else:
            reps.append(RepSpec(draw(_su_reps)))
    kind = draw(st.sampled_from(["scalar", "fermion"]))
    helicity = draw(st.sampled_from(["left", "right"])) if kind == "fermion" else None
    real = kind == "scalar" and draw(st.booleans())
    return FieldDecl(kind, draw(_field_names), tuple(reps), helicity, real)  # type: ignore[arg-type]


_gauges = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.builds(lambda n: GaugeFactor(f"SU{n}", n), st.integers(2, 6)),
            st.builds(lambda n: GaugeFactor(f"SU({n})", n), st.integers(2, 12)),
            st.just(GaugeFactor("U1", 1)),
            st.just(GaugeFactor("U(1)", 1, "B")),
        ),
        min_size=1,
        max_size=4,
    ).map(lambda fs: GaugeDecl(tuple(fs))),
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    gauge = draw(_gauges)
    group = (
        gauge.factors
        if gauge
        else (GaugeFactor("SU3", 3), GaugeFactor("SU2", 2), GaugeFactor("U1", 1))
    )
    fields = draw(st.lists(field_decls(group), max_size=4))
    return Document("lag", gauge=gauge, fields=fields, terms=draw(st.lists(terms, max_size=4)))


# Near-miss text: pieces of the language glued at random, for the fuzz tests.
_TOKENS = [
    "L =", "L +=", "scalar", "fermion", "gauge", "fit", "H", "Delta", "(1, 2, 1/2)", "(", ")",
    "{", "}", "[", "]", "^", "_", "^dagger", "^T", "^*", "^2", "_mu", "^{a i}", "_{ij}", "D_mu",
    "partial^mu", "eps", "sigmabar^mu", "+", "-", "h.c.", "hc", "i", "1/4", "0.5", "3bar", ";",
    ",", "left", "real", "x", "SU3", "U(1)", "#", "\n", "\n  ", " ", "\"", "=", "\\lambda",
    "\\mathcal{L} =", "\\frac{1}{2}", "\\dagger", "$", "%", "\\left(", "\\right)", "&", "\\\\",
    "\\text{h.c.}", "\\begin{equation}", "\\end{equation}", "% lagrangian:", "😀", "é", "\t",
]  # fmt: skip
near_miss_text = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join),
    st.lists(st.sampled_from(_TOKENS), max_size=40).map(" ".join),
    st.text(max_size=200),
)

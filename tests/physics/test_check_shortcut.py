"""The check's algebraic shortcuts agree with evaluating the written contraction.

A bosonic term whose brackets each close into one contraction is a non-zero invariant
without evaluation (polynomials have no zero divisors); when its monomial has one
invariant, that is the term, and the group checks cannot fail; when it has several and the
brackets are literally one of the engine's basis patterns (``physics.matching``), it is
that basis element.  Here every corpus document and random complete Lagrangians are checked
with the shortcuts and with one or both turned off (every term evaluated at sample points,
as before they existed), and must agree in every diagnostic and in what each term was
identified as.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangian.grammar import parse_document, parse_tex
from lagrangian.physics import checks
from lagrangian.physics.api import engine_terms
from lagrangian.server.output import render_generated
from lagrangian.training.sampling import SamplingConfig, sample_fields, to_model

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


def _summary(analysis: checks.Analysis) -> list[object]:
    out: list[object] = [(d.span, d.code, d.message) for d in analysis.diagnostics]
    for info in analysis.terms:
        coefficients = None if info.coefficients is None else np.round(info.coefficients, 6)
        out.append((info.valid, info.kind, info.monomial, info.multiplicity, str(coefficients)))
    return out


OFF = {
    "both": ("_product_of_single_invariants", lambda model, r: False),
    "matching": ("basis_coordinates", lambda model, r, occs, basis: None),
}


def _both(document, monkeypatch: pytest.MonkeyPatch, off: str) -> tuple[list[object], ...]:
    fast = _summary(checks.analyze(document))
    with monkeypatch.context() as patched:
        patched.setattr(checks, *OFF[off])
        slow = _summary(checks.analyze(document))
    return fast, slow


@pytest.mark.parametrize("off", sorted(OFF))
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.*[gx]")), ids=lambda p: p.name)
def test_corpus_documents_check_the_same_without_the_shortcut(path, off, monkeypatch):
    text = path.read_text(encoding="utf-8")
    document = parse_tex(text) if path.suffix == ".tex" else parse_document(text)
    fast, slow = _both(document, monkeypatch, off)
    assert fast == slow


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**9), st.sampled_from(sorted(OFF)))
def test_generated_lagrangians_check_the_same_without_the_shortcut(seed, off):
    fields = sample_fields(
        random.Random(seed), SamplingConfig(min_fields=1, max_fields=4), "enriched"
    )
    model = to_model(fields)
    document = parse_document(render_generated(model, engine_terms(model), "text"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _both(document, monkeypatch, off)
    assert fast == slow


def test_the_shortcuts_are_taken():
    """H1^dagger H1 has one invariant and (H1^dagger H2)(H2^dagger H1), the 2HDM's lambda_4,
    is one of the two basis elements of its fields: neither is evaluated.  The same fields
    with written indices are."""
    text = (
        "scalar H1 (1,2,1/2)\nscalar H2 (1,2,1/2)\n"
        "L = - m H1^dagger H1 - l (H1^dagger H2)(H2^dagger H1)\n"
    )
    calls: list[int] = []
    real = checks._written_value

    def counted(model, r, sampler):
        calls.append(1)
        return real(model, r, sampler)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(checks, "_written_value", counted)
        analysis = checks.analyze(parse_document(text))
        assert analysis.diagnostics == []
        assert [t.multiplicity for t in analysis.terms] == [1, 2]
        assert calls == []
        explicit = "  - l H1^dagger_i H2^i H2^dagger_j H1^j\n"
        codes = [d.code for d in checks.analyze(parse_document(text + explicit)).diagnostics]
        assert codes == ["duplicate-term"]  # lambda_4 again, found by evaluating it
        assert calls

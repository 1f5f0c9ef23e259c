"""The check's algebraic shortcut agrees with evaluating the written contraction.

A bosonic term whose brackets each close into one contraction is a non-zero invariant
without evaluation (polynomials have no zero divisors); when its monomial has one
invariant, that is the term, and the group checks cannot fail.  Here every corpus document
and random complete Lagrangians are checked twice, with the shortcut and with it turned off
(every term evaluated at sample points, as before it existed), and must agree in every
diagnostic and in what each term was identified as.
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


def _both(document, monkeypatch: pytest.MonkeyPatch) -> tuple[list[object], list[object]]:
    fast = _summary(checks.analyze(document))
    with monkeypatch.context() as patched:
        patched.setattr(checks, "_product_of_single_invariants", lambda model, r: False)
        slow = _summary(checks.analyze(document))
    return fast, slow


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.*[gx]")), ids=lambda p: p.name)
def test_corpus_documents_check_the_same_without_the_shortcut(path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    document = parse_tex(text) if path.suffix == ".tex" else parse_document(text)
    fast, slow = _both(document, monkeypatch)
    assert fast == slow


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**9))
def test_generated_lagrangians_check_the_same_without_the_shortcut(seed):
    fields = sample_fields(
        random.Random(seed), SamplingConfig(min_fields=1, max_fields=4), "enriched"
    )
    model = to_model(fields)
    document = parse_document(render_generated(model, engine_terms(model), "text"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _both(document, monkeypatch)
    assert fast == slow


def test_the_shortcut_is_taken():
    """(H1^dagger H2)(H2^dagger H1) has two invariants and is evaluated; H1^dagger H1 has
    one and, a bracket with one contraction, is not."""
    text = "scalar H1 (1,2,1/2)\nscalar H2 (1,2,1/2)\nL = - m H1^dagger H1\n"
    document = parse_document(text)
    calls: list[int] = []
    real = checks._written_value

    def counted(model, r, sampler):
        calls.append(1)
        return real(model, r, sampler)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(checks, "_written_value", counted)
        assert checks.analyze(document).diagnostics == []
        assert calls == []
        quartic = parse_document(text + "  - l (H1^dagger H2)(H2^dagger H1)\n")
        assert checks.analyze(quartic).diagnostics == []
        assert calls

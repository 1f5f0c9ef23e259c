"""Generated Lagrangians read back: the check shared by the round-trip tests.

``lagrangian generate --format latex`` prints a document that ``lagrangian check`` must
accept back unchanged in meaning, in either notation: no diagnostic (an anomalous fermion
content keeps its ``anomaly`` note on the declarations), every engine term found once and
nothing else, and each multi-invariant monomial read as the engine's own basis element.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from lagrangian.grammar import parse_tex
from lagrangian.physics.api import EngineTerm, engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.physics.fields import Model
from lagrangian.physics.missing import missing_terms
from lagrangian.server.output import render_generated


def generated(model: Model, notation: str) -> tuple[str, list[EngineTerm]]:
    terms = engine_terms(model)
    return render_generated(model, terms, "latex", notation=notation), terms  # type: ignore[arg-type]


def assert_reads_back(text: str, terms: list[EngineTerm]) -> None:
    analysis = analyze(parse_tex(text))
    problems = [(d.span.start.line + 1, d.code, d.message) for d in analysis.diagnostics]
    assert [p for p in problems if p[1] != "anomaly"] == [], text
    assert missing_terms(analysis) == [], text
    # the same terms: every engine term is there (nothing missing), no two read the same
    # (that is a duplicate-term diagnostic), and as many of each kind as the engine has
    assert Counter(i.kind for i in analysis.terms) == Counter(t.term.kind for t in terms), text
    hit: Counter[tuple] = Counter()
    for info in analysis.terms:
        if info.multiplicity < 2:
            continue
        basis = [t.term for t in terms if t.term.occurrences == info.monomial]
        assert len(basis) == info.multiplicity, text
        assert info.coefficients is not None
        magnitudes = np.abs(info.coefficients)
        element = int(np.argmax(magnitudes))
        assert np.allclose(magnitudes, np.eye(len(basis))[element], atol=1e-6), text
        hit[(info.monomial, element)] += 1
    assert all(n == 1 for n in hit.values()), text

"""Re-checking with reused term checks gives exactly what a full analysis gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.grammar import LineIndex, parse_document
from lagrangian.physics.checks import Analysis, analyze
from lagrangian.server.lsp.documents import build_snapshot, checkable, model_key
from lagrangian.server.lsp.incremental import SHARED, TermCache, analyze_reusing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEESAW = (EXAMPLES / "type2_seesaw.lag").read_text()
PIECES = [
    "\n",
    "  ",
    "# note\n",
    "- lambda_9 (H^dagger H)^2",
    " + h.c.",
    "H^dagger ",
    "- y L L Delta",
    "scalar S (1, 1, 0) real\n",
    "(",
    "𝜆",
]


def summary(analysis: Analysis) -> tuple:
    diagnostics = [(d.code, d.span, d.message, d.severity) for d in analysis.diagnostics]
    terms = [
        (i.kind, i.valid, i.term, i.resolved.fields, i.resolved.unknown, i.monomial, i.multiplicity)
        for i in analysis.terms
    ]
    return diagnostics, terms


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 30), st.sampled_from(PIECES)),
        min_size=1,
        max_size=6,
    )
)
def test_reused_checks_equal_a_full_analysis(edits: list[tuple[int, int, str]]) -> None:
    cache = TermCache(size=500)
    text = SEESAW
    analyze_reusing(parse_document(text), text, LineIndex(text), model_key, cache)
    for at, length, piece in edits:
        start = at % (len(text) + 1)
        text = text[:start] + piece + text[start + length :]
        document, _ = checkable(parse_document(text))
        reused = analyze_reusing(document, text, LineIndex(text), model_key, cache)
        assert summary(reused) == summary(analyze(document))


def test_snapshots_share_engine_answers_across_versions() -> None:
    first = build_snapshot("file:///a.lag", 1, SEESAW, "lag")
    hits = SHARED.hits
    second = build_snapshot("file:///a.lag", 2, "# edited\n" + SEESAW, "lag")
    assert SHARED.hits - hits == len(second.document.terms)
    assert second.missing() == first.missing()
    assert second.complete() is first.complete()
    assert [d.span.start.line for d in second.analysis.diagnostics] == [
        d.span.start.line + 1 for d in first.analysis.diagnostics
    ]

"""Re-checking with reused term checks gives exactly what a full analysis gives."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangian.grammar import LineIndex, parse_document
from lagrangian.physics.checks import Analysis, analyze
from lagrangian.server.lsp import documents
from lagrangian.server.lsp.documents import build_snapshot, checkable, model_key, readable
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


TWO_DOUBLETS = (EXAMPLES / "two_higgs_doublets.lag").read_text()
EDITED = [SEESAW, TWO_DOUBLETS + "  - y_bad H1 H2 + h.c.\n  - (H1^dagger H2\n"]
FRAGMENTS = [*PIECES, "\n  # a comment line\n", "- m12 H1^dagger H2", " + hc", ")", "x" * 50]


def fresh(text: str) -> list[tuple]:
    """The diagnostics of ``build_snapshot`` worked out with no cache at all: the whole
    text parsed at once and every term checked by the engine."""
    lines = LineIndex(text)
    read, refused = readable(text, lines)
    document, warnings = checkable(parse_document(read))
    found = analyze(document).diagnostics + warnings + refused
    found.sort(key=lambda d: (d.span.start.offset, d.span.end.offset))
    return [(d.code, d.span, d.message, d.severity) for d in found]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(EDITED),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 30), st.sampled_from(FRAGMENTS)),
        min_size=1,
        max_size=8,
    ),
)
def test_snapshots_after_random_edits_equal_a_fresh_analysis(text: str, edits: list) -> None:
    """Every version as the editor sends it (shared parse and check caches, lines over the
    limit refused) has the diagnostics of a from-scratch analysis of its text."""
    with mock.patch.object(documents, "MAX_LINE_CHARS", 60):
        for version, (at, length, fragment) in enumerate(edits):
            start = at % (len(text) + 1)
            text = text[:start] + fragment + text[start + length :]
            snapshot = build_snapshot("file:///random.lag", version, text, "lag")
            got = [(d.code, d.span, d.message, d.severity) for d in snapshot.analysis.diagnostics]
            assert got == fresh(text)


def test_a_very_long_line_is_refused_and_the_rest_still_checked() -> None:
    long_line = " " + "".join(f" - s_{k} H H" for k in range(10_000))[:99_999]
    text = SEESAW + long_line + "\n  - bad H H\n"
    snapshot = build_snapshot("file:///long.lag", 1, text, "lag")
    line = SEESAW.count("\n")
    found = [(d.span.start.line, d.code) for d in snapshot.analysis.diagnostics]
    # H H has hypercharge 1: an error on the short line, none from the thousands of
    # such terms on the long one, which gets one warning instead.
    assert found == [(4, "anomaly"), (line, "not-checked"), (line + 1, "hypercharge")]
    warning = snapshot.analysis.diagnostics[1]
    assert warning.message.startswith("a line of 100,000 characters, over the 10,000")
    assert (warning.span.start.character, warning.span.end.character) == (0, 100_000)

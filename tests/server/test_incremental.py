"""Re-checking with reused term checks gives exactly what a full analysis gives."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from edits import TEX_FRAGMENTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangian.grammar import LineIndex, parse_document, parse_tex
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


def fresh(text: str, syntax: str = "lag") -> list[tuple]:
    """The diagnostics of ``build_snapshot`` worked out with no cache at all: the whole
    text parsed at once and every term checked by the engine."""
    lines = LineIndex(text)
    read, refused = readable(text, lines, syntax)  # type: ignore[arg-type]
    parsed = parse_tex(read) if syntax == "latex" else parse_document(read)
    document, warnings = checkable(parsed)
    found = analyze(document).diagnostics + warnings + refused
    found.sort(key=lambda d: (d.span.start.offset, d.span.end.offset))
    return [(d.code, d.span, d.message, d.severity) for d in found]


TEX = (EXAMPLES / "standard_model.tex").read_text()


@pytest.mark.parametrize(
    ("syntax", "texts", "fragments"),
    [("lag", EDITED, FRAGMENTS), ("latex", [TEX], TEX_FRAGMENTS)],
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_snapshots_after_random_edits_equal_a_fresh_analysis(
    syntax: str, texts: list[str], fragments: list[str], data: st.DataObject
) -> None:
    """Every version as the editor sends it (shared parse and check caches, lines over the
    limit refused) has the diagnostics of a from-scratch analysis of its text."""
    text = data.draw(st.sampled_from(texts))
    edit = st.tuples(st.integers(0, 10_000), st.integers(0, 30), st.sampled_from(fragments))
    edits = data.draw(st.lists(edit, min_size=1, max_size=8))
    uri = "file:///random.tex" if syntax == "latex" else "file:///random.lag"
    with mock.patch.object(documents, "MAX_LINE_CHARS", 60):
        for version, (at, length, fragment) in enumerate(edits):
            start = at % (len(text) + 1)
            text = text[:start] + fragment + text[start + length :]
            snapshot = build_snapshot(uri, version, text, syntax)  # type: ignore[arg-type]
            got = [(d.code, d.span, d.message, d.severity) for d in snapshot.analysis.diagnostics]
            assert got == fresh(text, syntax)


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


TEX_SEESAW = (
    "% lagrangian: scalar H (1,2,1/2); scalar Delta (1,3,1)\n"
    "A paragraph of prose on one line, as LaTeX writers keep them: " + "words " * 2_000 + "\n"
    "\\begin{align}\n"
    "\\mathcal{L} = - m^2 H^\\dagger H\n"
)


def test_a_very_long_line_of_math_in_a_tex_file_is_refused_and_the_rest_still_checked() -> None:
    """The ``.tex`` twin of the test above: the math of the long line is one warning, its
    delimiters stay (the environment still closes), a long line of prose is nothing."""
    long_line = "  " + "".join(f" - s_{{{k}}} H H" for k in range(10_000))[:99_998]
    text = TEX_SEESAW + long_line + " \\\\\n  - c H H\n\\end{align}\nAfter: $\\mathcal{L} = x$\n"
    snapshot = build_snapshot("file:///long.tex", 1, text, "latex")
    line = TEX_SEESAW.count("\n")
    found = [(d.span.start.line, d.code) for d in snapshot.analysis.diagnostics]
    # H H has hypercharge 1: an error on the short line, none from the thousands of such
    # terms on the long one, which gets one warning; the prose line gets nothing
    assert found == [(line, "not-checked"), (line + 1, "hypercharge")]
    warning = snapshot.analysis.diagnostics[0]
    assert warning.message.startswith("a line of 100,003 characters, over the 10,000")
    # the math of the line, up to the end of the line (``\\`` is in the math)
    assert (warning.span.start.character, warning.span.end.character) == (0, 100_003)
    assert snapshot.text == text  # the snapshot keeps the text as written
    # a LaTeX file that is not ours is read (nothing of it is published) without the line
    quiet = build_snapshot("file:///other.tex", 1, text.replace("% lagrangian: ", "% "), "latex")
    assert not quiet.active
    on_the_line = [d.code for d in quiet.analysis.diagnostics if d.span.start.line == line]
    assert on_the_line == ["not-checked"]


def test_a_long_line_with_inline_math_blanks_only_the_math() -> None:
    prose = "text " * 2_100
    text = TEX_SEESAW + "\\end{align}\n" + prose + "$\\mathcal{L} = - c H H$ " + prose + "\n"
    snapshot = build_snapshot("file:///inline.tex", 1, text, "latex")
    line = text[: text.index(prose)].count("\n")
    (warning,) = snapshot.analysis.diagnostics
    assert (warning.code, warning.span.start.line) == ("not-checked", line)
    math = text.index("\\mathcal{L} = - c") - text.rindex("\n", 0, text.index(prose)) - 1
    width = len("\\mathcal{L} = - c H H")
    assert (warning.span.start.character, warning.span.end.character) == (math, math + width)

"""Lagrangians in .tex files: math environments, directives, sidecars, original spans."""

from lagrangian.grammar import math_regions, parse_document, parse_tex, print_term, strip_spans
from lagrangian.grammar.ast import Document, Span

PAPER = r"""\documentclass{article}
% lagrangian: scalar H (1,2,1/2); fermion L (1,2,-1/2) left
%lagrangian: scalar S (1, 1, 0) real
\usepackage{amsmath}
\begin{document}
The Higgs sector (costs \$5, and 50\% of it is in $x = 1$) reads
\begin{equation}
  \mathcal{L}_{\text{H}} = (D_\mu H)^\dagger (D^\mu H) - m^2 H^\dagger H
    - \lambda (H^\dagger H)^2 \label{eq:higgs}
\end{equation}
% \begin{equation} \mathcal{L} = commented out \end{equation}
and the leptons and the singlet:
\begin{align*}
  \mathcal{L} &= i L^\dagger \bar\sigma^\mu D_\mu L \nonumber \\
    &\quad + \frac{1}{2} \partial_\mu S \partial^\mu S
    \label{😀} + \kappa S H^\dagger H + \text{h.c.},
\end{align*}
Inline: $\mathcal{L}_Y = y_e L^\dagger H + \text{h.c.}$ and \[ E = m c^2 \]
$$ \mathcal L = a_1 \, b \,\, + \tfrac12 c $$
\begin{multline}
\mathcal{L}_1 = x \\ \mathcal{L}_2 = z
\end{multline}
\end{document}
"""


def _cut(text: str, span: Span) -> str:
    return text[span.start.offset : span.end.offset]


def test_directives_and_environments_of_a_paper() -> None:
    doc = parse_tex(PAPER)
    assert doc.syntax == "latex"
    assert doc.errors == []
    assert [f.name for f in doc.fields] == ["H", "L", "S"]
    assert [print_term(t) for t in doc.terms] == [
        "(D_mu H)^dagger (D^mu H)",
        "- m^2 H^dagger H",
        "- lambda (H^dagger H)^2",
        "i L^dagger sigmabar^mu D_mu L + h.c.",
        "1/2 partial_mu S partial^mu S + h.c.",
        "kappa S H^dagger H + h.c.",
        "y_e L^dagger H + h.c.",
        "a_1 b",
        "1/2 c",
        "x",
        "z",
    ]


def test_spans_point_into_the_original_file() -> None:
    doc = parse_tex(PAPER)
    h = doc.fields[0]
    assert _cut(PAPER, h.span) == "scalar H (1,2,1/2)"
    assert h.span.start.line == 1
    kinetic, mass = doc.terms[0], doc.terms[1]
    assert _cut(PAPER, kinetic.span) == r"(D_\mu H)^\dagger (D^\mu H)"
    assert _cut(PAPER, mass.span) == r"- m^2 H^\dagger H"
    kappa = doc.terms[5]
    assert _cut(PAPER, kappa.hc_span) == r"+ \text{h.c.}"
    line = PAPER.splitlines()[kappa.span.start.line]
    assert line[kappa.span.start.offset - PAPER.index(line) :].startswith(r"+ \kappa")
    assert _cut(PAPER, doc.lagrangian_spans[0]).startswith(r"\mathcal{L}_{\text{H}} =")
    assert _cut(PAPER, doc.lagrangian_spans[0]).endswith(r"- \lambda (H^\dagger H)^2")


def test_utf16_columns_in_tex() -> None:
    doc = parse_tex(PAPER)
    hc = doc.terms[5].hc_span
    line = PAPER.splitlines()[hc.start.line]
    column = line.index(r"+ \text")
    assert hc.start.character == column + 1  # the emoji before it is two UTF-16 units


def test_math_regions() -> None:
    text = r"a $x$ b $$y$$ \[z\] \(w\) \begin{gather*}v\end{gather*} \$ % $not$"
    assert [text[s:e] for s, e in math_regions(text)] == ["x", "y", "z", "w", "v"]
    assert math_regions("unclosed $x and \\begin{align} y") == [(29, 31)]


def test_errors_in_tex_math_are_located_in_the_file() -> None:
    text = "% lagrangian: scalar H (1,2,1/2); scalr X (1,1,0)\n$$\\mathcal{L} = a + b) + c$$\n"
    doc = parse_tex(text)
    assert [(d.span.start.line, d.span.start.character, d.message) for d in doc.errors] == [
        (0, 34, "expected a declaration ('scalar', 'fermion', 'gauge' or 'fit'); found 'scalr'"),
        (1, 21, "unexpected ')'; expected the end of the statement"),
    ]  # fmt: skip
    assert [print_term(t) for t in doc.terms] == ["a", "c"]


def test_sidecar_declares_the_fields_of_a_file_without_directives() -> None:
    sidecar = "gauge SU2 x U1\nscalar H (2, 1/2)\nL = ignored terms\nscalar Bad (1 1)\n"
    text = "\\[\\mathcal{L} = y H^\\dagger H\\]"
    doc = parse_tex(text, sidecar=sidecar)
    assert [f.name for f in doc.fields] == ["H"]
    assert doc.fields[0].span is None
    assert doc.gauge is not None and doc.gauge.span is None
    assert [f.n for f in doc.gauge.factors] == [2, 1]
    assert [d.message for d in doc.errors] == [
        "in the sidecar file, line 4, column 15: unexpected '1'; expected ')' or ','"
    ]
    assert doc.errors[0].span.start.offset == 0
    assert len(doc.terms) == 1


def test_directives_take_precedence_over_a_sidecar() -> None:
    sidecar = "scalar H (1, 2, 1/2)\nscalar S (1, 1, 0)\n"
    text = "% lagrangian: gauge SU2 x U1; scalar H (2, 1/2)\n$$\\mathcal{L} = H^\\dagger H$$"
    doc = parse_tex(text, sidecar=sidecar)
    assert doc.errors == []
    assert [(f.name, f.span is not None) for f in doc.fields] == [("H", True)]


def test_bare_latex_math_for_parse_document() -> None:
    text = "% lagrangian: scalar S (1,1,0) real\n\\mathcal{L} = -\\frac12 m^2 S^2\n"
    doc = parse_document(text, "latex")
    assert doc.errors == [] and [f.name for f in doc.fields] == ["S"]
    assert [print_term(t) for t in doc.terms] == ["- 1/2 m^2 S^2"]
    assert parse_tex(text).terms == []  # parse_tex reads math environments only


def test_nested_split_environment_and_punctuation() -> None:
    text = (
        "\\begin{equation}\\begin{split}\n"
        "\\mathcal{L} &= a \\\\\n & - b .\n"
        "\\end{split}\\end{equation}"
    )
    doc = parse_tex(text)
    assert doc.errors == []
    assert [print_term(t) for t in doc.terms] == ["a", "- b"]


def test_tex_without_lagrangians() -> None:
    assert strip_spans(parse_tex("Just text, $x^2$ and \\[ y = 2 \\].")) == Document("latex")

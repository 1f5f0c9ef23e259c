"""Random paper-style renderings of engine terms read back to the same invariants.

The engine's complete Lagrangian of a random field content is printed in LaTeX, then each
term is dressed the way papers dress them (a random head, ``\\left(``/``\\big(`` brackets,
thin spaces, ``^\\dagger`` without braces, its h.c. inside ``\\left[ ... + {\\rm h.c.}
\\right]`` with one of the papers' spellings, ``&`` and ``\\\\`` layout); the reader must
find the same monomials, no diagnostic, and the same basis element for multi-invariant
monomials.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangian.grammar import parse_tex, print_term
from lagrangian.physics.api import engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.server.output import render_generated
from lagrangian.training.sampling import SamplingConfig, sample_fields, to_model

CONFIG = SamplingConfig(min_fields=1, max_fields=3)
HEADS = [r"\mathcal{L} =", r"\mathcal{L} \supset", r"{\cal L}_{\rm int} &=&", r"-V =", r"V(H) ="]
HC = [r"\text{h.c.}", r"{\rm h.c.}", r"\text{H.c.}", r"\mathrm{h.c.}", "h.c."]
BRACKETS = [("(", ")"), (r"\left(", r"\right)"), (r"\big(", r"\big)"), (r"\Big(", r"\Big)")]
OUTER = [(r"\left[", r"\right]"), (r"\Big[", r"\Big]"), (r"\left\{", r"\right\}"), ("[", "]")]


def dress(latex: str, draw: st.DrawFn) -> str:
    """One printed term written as a paper might write it."""
    opening, closing = draw(st.sampled_from(BRACKETS))
    latex = latex.replace("(", "\x00").replace(")", "\x01")
    latex = latex.replace("\x00", opening).replace("\x01", closing)
    if draw(st.booleans()):
        latex = latex.replace(r"^{\dagger}", r"^\dagger")
    if draw(st.booleans()):
        latex = latex.replace(" ", r" \, ")
    return latex


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**9), st.data())
def test_paper_renderings_read_back(seed: int, data: st.DataObject) -> None:
    model = to_model(sample_fields(random.Random(seed), CONFIG, "enriched"))
    terms = engine_terms(model)
    directive = render_generated(model, terms, "latex").splitlines()[0]
    lines = []
    for engine in terms:
        printed = print_term(replace(engine.tree, hc=False), "latex")
        negative = printed.startswith("- ")
        body = dress(printed.removeprefix("- "), data.draw)
        if engine.tree.hc:
            opening, closing = data.draw(st.sampled_from(OUTER))
            body = f"{opening} {body} + {data.draw(st.sampled_from(HC))} {closing}"
        lines.append(("- " if negative else "+ ") + body)
    head = data.draw(st.sampled_from(HEADS))
    text = (
        f"{directive}\n\\begin{{align}}\n{head} " + " \\\\\n  & ".join(lines) + "\n\\end{align}\n"
    )
    analysis = analyze(parse_tex(text))
    problems = [d for d in analysis.diagnostics if d.code != "anomaly"]  # a random content
    assert problems == [], (text, problems)
    assert [i.monomial for i in analysis.terms] == [
        e.term.occurrences if e.term.pattern is not None else None for e in terms
    ], text
    for info, engine in zip(analysis.terms, terms):
        if engine.term.pattern is not None and engine.term.multiplicity > 1:
            same = [t.term for t in terms if t.term.occurrences == info.monomial]
            expected = np.eye(engine.term.multiplicity)[same.index(engine.term)]
            assert info.coefficients is not None
            assert np.allclose(np.abs(info.coefficients), expected, atol=1e-6), text

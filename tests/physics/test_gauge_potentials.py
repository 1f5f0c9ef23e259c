"""A gauge field with one Lorentz index is the potential A_mu, never a field strength.

Under a gauge transformation A_mu -> A_mu + (1/g) d_mu alpha (abelian case), so no
polynomial in a bare A_mu is invariant: B_mu H^dagger D^mu H (which the reader used to
take for a dimension-5 field-strength term) and the mass term (1/2) m^2 W_mu W^mu are
both gauge-noninvariant.  Field strengths B_{mu nu} keep working.
"""

from __future__ import annotations

import pytest

from lagrangian.grammar import parse_document, parse_tex
from lagrangian.physics.checks import analyze

HEAD = "scalar H (1, 2, 1/2)\n"


def codes(text: str, tex: bool = False) -> list[tuple[int, str]]:
    document = parse_tex(text) if tex else parse_document(text)
    return [(d.span.start.line + 1, d.code) for d in analyze(document).diagnostics]


@pytest.mark.parametrize(
    "term",
    ["- g B_mu H^dagger D^mu H + h.c.", "+ 1/2 m2 W_mu W^mu", "+ c G_mu G^mu H^dagger H"],
)
def test_bare_gauge_fields_are_not_invariant(term: str) -> None:
    assert codes(HEAD + f"L = {term}\n") == [(2, "gauge-noninvariant")]


def test_field_strengths_are_untouched() -> None:
    text = HEAD + "L = - 1/4 B_{mu nu} B^{mu nu} - 1/4 W_{mu nu} W^{mu nu}\n"
    assert codes(text) == []


def test_a_latex_gauge_boson_mass_is_not_invariant() -> None:
    text = (
        "% lagrangian: scalar H (1,2,1/2)\n\\begin{equation}\n"
        "\\mathcal{L} = \\frac12 m^2 W_\\mu W^\\mu - \\frac14 W_{\\mu\\nu} W^{\\mu\\nu}\n"
        "\\end{equation}\n"
    )
    assert codes(text, tex=True) == [(3, "gauge-noninvariant")]

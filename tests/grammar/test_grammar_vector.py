"""Vector fields cannot be declared: one clear error on the declaration, never a bare
"expected a declaration".  The U_1 vector leptoquark (3, 1, 2/3) is the common case."""

from __future__ import annotations

import pytest

from lagrangian.grammar import parse_declarations, parse_document, parse_tex


@pytest.mark.parametrize(
    "parse, text, declaration",
    [
        (parse_document, "scalar H (1,2,1/2)\nvector U_1 (3,1,2/3)\nL = - m2 H^dagger H\n", 1),
        (parse_declarations, "scalar H (1,2,1/2); vector U_1 (3,1,2/3)", 0),
        (
            parse_tex,
            "% lagrangian: scalar H (1,2,1/2); Vector U_1 (3,1,2/3)\n"
            "\\begin{equation}\n\\mathcal{L} = - m^2 H^\\dagger H\n\\end{equation}\n",
            0,
        ),
    ],
)
def test_a_vector_declaration_is_refused_where_it_stands(parse, text, declaration) -> None:
    document = parse(text)
    (error,) = document.errors
    assert error.message.startswith("vector fields cannot be declared")
    assert "U_1 leptoquark" in error.message and "'gauge' line" in error.message
    line = text.splitlines()[declaration]
    column = line.lower().index("vector")
    assert (error.span.start.line, error.span.start.character) == (declaration, column)
    assert text[error.span.start.offset : error.span.end.offset].rstrip() == line[column:].rstrip()
    assert [f.name for f in document.fields] == ["H"]  # the rest still reads


def test_a_vector_flag_on_a_fermion_points_to_dirac() -> None:
    (error,) = parse_document("fermion T (3,1,2/3) vector\n").errors
    assert error.message.endswith("(a vector-like fermion is declared 'dirac')")

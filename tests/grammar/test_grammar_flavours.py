"""The ``xN`` flavour suffix of declarations, in every place declarations are written."""

from __future__ import annotations

import pytest

from lagrangian.grammar import parse_declarations, parse_document, parse_tex, print_declaration


def test_suffix_in_a_lag_document():
    document = parse_document(
        "fermion L (1,2,-1/2) left x3  # leptons\nscalar H (1,2,1/2) x2\nscalar S (1,1,0) real\n"
    )
    assert not document.errors
    assert [(f.name, f.flavours, f.helicity, f.real) for f in document.fields] == [
        ("L", 3, "left", False),
        ("H", 2, None, False),
        ("S", 1, None, True),
    ]


def test_suffix_in_fields_option_and_tex_directive():
    fields = parse_declarations("fermion Q (3,2,1/6) left x3; scalar S (1,1,0) real x2")
    assert [(f.name, f.flavours, f.real) for f in fields.fields] == [
        ("Q", 3, False),
        ("S", 2, True),
    ]
    tex = parse_tex("% lagrangian: fermion e (1,1,-1) right x3; symmetry Z2: e -\n")
    assert [(f.name, f.flavours) for f in tex.fields] == [("e", 3)]
    assert [s.name for s in tex.symmetries] == ["Z2"]


def test_printer_writes_the_suffix_back():
    (decl,) = parse_declarations("fermion L (1,2,-1/2) left x3").fields
    assert print_declaration(decl) == "fermion L (1, 2, -1/2) left x3"
    assert "x3" in print_declaration(decl, "latex")
    (again,) = parse_declarations(print_declaration(decl)).fields
    assert again.flavours == 3


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("scalar H (1,2,1/2) x0", 20, "1 to 1000 flavours, not 0"),
        ("scalar H (1,2,1/2) x3 real", 20, ""),
    ],
)
def test_bad_suffix_is_one_error_at_its_column(text, column, fragment):
    (error,) = parse_declarations(text).errors
    assert error.span.start.character + 1 == column
    assert fragment in error.message


def test_a_count_inside_a_comment_is_not_a_suffix():
    (decl,) = parse_document("fermion L (1,2,-1/2) left  # not x3\n").fields
    assert decl.flavours == 1


def test_coupling_declarations():
    document = parse_document("coupling f antisymmetric\ncoupling g [ 2, 1 ]\n")
    assert [(c.name, c.symmetry) for c in document.couplings] == [
        ("f", "antisymmetric"),
        ("g", "[2,1]"),
    ]
    (bad,) = parse_declarations("coupling h [1,2]").errors
    assert "not a Young diagram" in bad.message and bad.span.start.character == 11
    (missing,) = parse_document("coupling h").errors
    assert "expected 'coupling NAME symmetric'" in missing.message

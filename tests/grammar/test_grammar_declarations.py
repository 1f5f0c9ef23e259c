"""Field declarations, the gauge line, fit blocks and ``--fields`` strings."""

from fractions import Fraction

import pytest

from lagrangian.grammar import parse_declarations, parse_document, strip_spans
from lagrangian.grammar.ast import Diagnostic, Document, FieldDecl, RepSpec


def _errors(doc: Document) -> list[tuple[int, int, str, str]]:
    """(1-based line, 1-based column, code, message) of each diagnostic."""
    return [
        (d.span.start.line + 1, d.span.start.character + 1, d.code, d.message) for d in doc.errors
    ]


def _only_field(text: str) -> FieldDecl:
    doc = parse_document(text)
    assert doc.errors == []
    (decl,) = doc.fields
    return decl


@pytest.mark.parametrize(
    ("text", "reps", "charge"),
    [
        ("scalar H (1, 2, 1/2)", ("1", "2", "1/2"), Fraction(1, 2)),
        ("fermion u (-3, 1, -2/3) left", ("-3", "1", "-2/3"), Fraction(-2, 3)),
        ("fermion d (3bar, 1, 1/3) right", ("3bar", "1", "1/3"), Fraction(1, 3)),
        ("scalar X (6bar, 1, 40)", ("6bar", "1", "40"), Fraction(40)),
        ("scalar X (-6, 3, -13/6)", ("-6", "3", "-13/6"), Fraction(-13, 6)),
        ("scalar X (8, 1, 0) real", ("8", "1", "0"), Fraction(0)),
        ("scalar X (10, 2, 123/456)", ("10", "2", "123/456"), Fraction(123, 456)),
        ("scalar X (-10, 1, +1/2)", ("-10", "1", "+1/2"), Fraction(1, 2)),
        ("scalar X (15', 1, 0.5)", ("15'", "1", "0.5"), Fraction(1, 2)),
        ("scalar X (15, 4, 7)", ("15", "4", "7"), Fraction(7)),
        ("scalar X ([1,1], 2, 1)", ("[1,1]", "2", "1"), Fraction(1)),
        ("scalar X ([2, 0], 2, 1)", ("[2,0]", "2", "1"), Fraction(1)),
    ],
)
def test_representation_spellings(text: str, reps: tuple[str, ...], charge: Fraction) -> None:
    decl = _only_field(text)
    assert tuple(r.text for r in decl.reps) == reps
    assert [r.charge for r in decl.reps] == [None, None, charge]


def test_declaration_flags_and_spans() -> None:
    text = "# fields\nfermion  L (1, 2, -1/2) left  # doublet\nscalar S (1,1,0) real\n"
    doc = parse_document(text)
    left, singlet = doc.fields
    assert (left.kind, left.name, left.helicity, left.real) == ("fermion", "L", "left", False)
    assert (singlet.kind, singlet.helicity, singlet.real) == ("scalar", None, True)
    assert text[left.span.start.offset : left.span.end.offset] == "fermion  L (1, 2, -1/2) left"
    assert left.name_span.start.line == 1 and left.name_span.start.character == 9
    third = left.reps[2].span
    assert text[third.start.offset : third.end.offset] == "-1/2"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("scalar H (1, 2 1/2)", (1, 16, "syntax", "unexpected '1/2'; expected ')' or ','")),
        ("scalar D (1, 1, 0)", (1, 8, "syntax", "'D' is reserved and cannot name a field")),
        ("scalar hc (1, 1, 0)", (1, 8, "syntax", "'hc' is reserved and cannot name a field")),
        (
            "fermion L (1, 2, -1/2)",
            (1, 9, "syntax", "fermion 'L' needs a helicity: add 'left', 'right' or 'dirac'"),
        ),
        ("scalar S (1, 1, 0) left", (1, 20, "syntax", "a scalar has no helicity; remove 'left'")),
        ("fermion N (1, 1, 0) right real", (1, 27, "syntax", "'real' applies to scalars only")),
        ("scalar H_1_2 (1, 2, 1/2)", (1, 11, "syntax", "unexpected '_2'; expected '('")),
        (
            "scalar S (1, 1, 0) rael",
            (1, 20, "syntax", "unexpected 'rael'; expected 'dirac', 'left', 'real', 'right' or "
             "the end of the statement"),
        ),
        ("scalar S (1, 1, 0", (1, 18, "syntax", "unexpected end of the statement; expected ')' "
                                                "or ','")),
        ("scalar S ([1,x], 1, 0)", (1, 14, "syntax", "unexpected 'x'; expected a "
                                                      "representation such as 3, -3, 3bar, 1/2")),
    ],
)  # fmt: skip
def test_declaration_errors_with_exact_positions(
    line: str, expected: tuple[int, int, str, str]
) -> None:
    doc = parse_document("scalar A (1, 1, 0)\n" + line)
    shifted = (expected[0] + 1, *expected[1:])
    assert _errors(doc) == [shifted]
    assert doc.fields[0].name == "A"


def test_declarations_with_flag_problems_are_kept() -> None:
    doc = parse_document("fermion L (1, 2, -1/2)\nscalar S (1,1,0) left\nscalar D (1,1,0)")
    assert [f.name for f in doc.fields] == ["L", "S"]
    assert doc.fields[0].helicity is None


def test_tuple_length_is_checked_against_the_gauge_line() -> None:
    doc = parse_document("gauge SU(5) x U(1)\nscalar H (5, 1/2)\nscalar X (1, 2, 1)")
    assert [f.name for f in doc.fields] == ["H"]
    assert doc.fields[0].reps[1].charge == Fraction(1, 2)
    assert _errors(doc) == [
        (3, 1, "bad-representation",
         "'X' lists 3 quantum numbers but the gauge group SU(5) x U(1) has 2 factors"),
    ]  # fmt: skip


def test_gauge_line_after_the_fields_still_decides_the_charges() -> None:
    doc = parse_document("scalar H (2, 1, 3)\ngauge SU2 x U1 x U1")
    assert [r.charge for r in doc.fields[0].reps] == [None, Fraction(1), Fraction(3)]


def test_default_gauge_is_three_factors() -> None:
    doc = parse_document("scalar H (1, 2)")
    assert doc.fields == [] and doc.gauge is None
    assert "SU3 x SU2 x U1 has 3 factors" in doc.errors[0].message


def test_non_numeric_u1_entry_is_left_to_physics() -> None:
    decl = _only_field("scalar H (1, 2, 3bar)")
    assert decl.reps[2] == RepSpec("3bar", decl.reps[2].span, None)


@pytest.mark.parametrize(
    ("line", "factors"),
    [
        ("gauge SU3 x SU2 x U1", [("SU3", 3, None), ("SU2", 2, None), ("U1", 1, None)]),
        ("gauge SU(5) x U(1)", [("SU(5)", 5, None), ("U(1)", 1, None)]),
        ("gauge SU( 4 ) × SU2 x SU2", [("SU(4)", 4, None), ("SU2", 2, None), ("SU2", 2, None)]),
        ("gauge SU3[G] x SU2[W] x U1[B]", [("SU3", 3, "G"), ("SU2", 2, "W"), ("U1", 1, "B")]),
        ("gauge SU12", [("SU12", 12, None)]),
    ],
)
def test_gauge_lines(line: str, factors: list[tuple[str, int, str | None]]) -> None:
    doc = parse_document(line)
    assert doc.errors == []
    assert doc.gauge is not None
    assert [(f.name, f.n, f.strength) for f in doc.gauge.factors] == factors
    assert doc.gauge.span is not None and doc.gauge.span.end.offset == len(line)


def test_gauge_errors() -> None:
    doc = parse_document("gauge SU1 x U1\ngauge SU2\ngauge SU2\ngauge SO10")
    assert _errors(doc) == [
        (1, 7, "syntax", "SU(1) is not a gauge group; use SU(N) with N >= 2"),
        (3, 1, "syntax", "the gauge group is declared twice"),
        (4, 7, "syntax", "unexpected 'SO10'; expected a gauge group such as SU3, SU(5) or U1"),
    ]
    assert [f.name for f in doc.gauge.factors] == ["SU2"]


def test_fields_string_of_the_command_line() -> None:
    doc = parse_declarations("scalar H (1,2,1/2); fermion L (1,2,-1/2) left; scalar S (1,1,0) real")
    assert doc.errors == []
    assert [(f.name, f.kind) for f in doc.fields] == [
        ("H", "scalar"), ("L", "fermion"), ("S", "scalar"),
    ]  # fmt: skip
    assert doc.fields[1].span.start.offset == 20


def test_fields_string_with_newlines_gauge_and_a_bad_entry() -> None:
    text = "gauge SU2 x U1\nscalar H (2, 1/2);;  bogus X (1)\n; fermion E (1, 1) right"
    doc = parse_declarations(text)
    assert [f.name for f in doc.fields] == ["H", "E"]
    assert _errors(doc) == [
        (2, 22, "syntax",
         "expected a declaration ('scalar', 'fermion', 'gauge' or 'fit'); found 'bogus'"),
    ]  # fmt: skip


def test_empty_fields_string() -> None:
    assert parse_declarations("  ;\n ; ") == Document("lag")


def test_fit_blocks() -> None:
    text = (
        'fit A0 { data = "a0.csv"; target = A0; inputs = pT, y; describe = "Drell-Yan A0 vs pT" }\n'
        "fit A4 {\n"
        '  data = "a4 \\"new\\".csv"   # quoted, with escapes\n'
        "  inputs = pT, y, m\n"
        "}\n"
        "scalar H (1, 2, 1/2)\n"
    )
    doc = parse_document(text)
    assert doc.errors == []
    a0, a4 = strip_spans(doc.fits)
    assert a0.name == "A0"
    assert dict(a0.settings) == {
        "data": "a0.csv", "target": "A0", "inputs": "pT, y", "describe": "Drell-Yan A0 vs pT",
    }  # fmt: skip
    assert a4.settings == (("data", 'a4 "new".csv'), ("inputs", "pT, y, m"))
    assert [f.name for f in doc.fields] == ["H"]


def test_unclosed_fit_block_ends_at_the_next_statement() -> None:
    doc = parse_document("fit A0 { data = x\nscalar H (1, 2, 1/2)")
    assert [f.name for f in doc.fields] == ["H"]
    assert len(doc.errors) == 1 and doc.errors[0].span.start.line == 0


def test_diagnostics_are_plain_diagnostics() -> None:
    (error,) = parse_document("scalar").errors
    assert isinstance(error, Diagnostic) and error.severity == "error"

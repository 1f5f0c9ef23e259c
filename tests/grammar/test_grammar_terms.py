"""Every term construct, in both syntaxes, read into the same syntax tree."""

from fractions import Fraction

import pytest

from lagrangian.grammar import ParseError, parse_term, strip_spans
from lagrangian.grammar.ast import (
    Derivative,
    Epsilon,
    Factor,
    Group,
    Index,
    Number,
    Sigma,
    Symbol,
    Term,
)


def ix(spec: str) -> tuple[Index, ...]:
    """``"^a ^i _j"`` as indices."""
    return tuple(Index(word[1:], word[0] == "^") for word in spec.split())


def sym(name: str, spec: str = "", conj: bool = False, power: int = 1, t: bool = False) -> Symbol:
    return Symbol(name, conjugate=conj, transpose=t, indices=ix(spec), power=power)


def D(spec: str, operand: Factor, covariant: bool = True) -> Derivative:
    (index,) = ix(spec) or (None,)
    return Derivative(covariant, index, operand)


def term(*factors: Factor, sign: int = 1, numbers: tuple[Fraction, ...] = (), i: bool = False,
         hc: bool = False) -> Term:  # fmt: skip
    return Term(sign, factors, tuple(Number(x) for x in numbers), i, hc)


H, Hd = sym("H"), sym("H", conj=True)
KINETIC = term(Group((D("_mu", H),), conjugate=True), Group((D("^mu", H),)))

# (plain text, LaTeX, tree)
CASES = [
    ("H^dagger H", r"H^\dagger H", term(Hd, H)),
    ("H^* H", r"H^{*} H", term(Hd, H)),
    ("H^T eps H", r"H^{T} \epsilon H", term(sym("H", t=True), Epsilon(), H)),
    ("S^2", "S^2", term(sym("S", power=2))),
    ("S^3", "S^{3}", term(sym("S", power=3))),
    ("(D_mu H)^dagger (D^mu H)", r"(D_\mu H)^\dagger (D^\mu H)", KINETIC),
    ("(D_mu H)^dagger(D^mu H)", r"\left(D_{\mu} H\right)^{\dagger} \left(D^{\mu} H\right)",
     KINETIC),
    ("- m2 H^dagger H", r"- m2 H^{\dagger} H", term(sym("m2"), Hd, H, sign=-1)),
    ("- m^2 H^dagger H", r"- m^2 H^\dagger H", term(sym("m", power=2), Hd, H, sign=-1)),
    ("-lambda (H^dagger H)^2", r"-\lambda (H^\dagger H)^2",
     term(sym("lambda"), Group((Hd, H), power=2), sign=-1)),
    ("i L^dagger sigmabar^mu D_mu L", r"i L^\dagger \bar\sigma^\mu D_\mu L",
     term(sym("L", conj=True), Sigma(True, ix("^mu")), D("_mu", sym("L")), i=True)),
    ("i L^dagger sigmabar^mu D_mu L", r"i L^{\dagger} \bar{\sigma}^{\mu} \mathcal{D}_{\mu} L",
     term(sym("L", conj=True), Sigma(True, ix("^mu")), D("_mu", sym("L")), i=True)),
    ("i e^dagger sigma^mu D_mu e", r"\mathrm{i}\, e^\dagger \sigma^\mu D_\mu e",
     term(sym("e", conj=True), Sigma(False, ix("^mu")), D("_mu", sym("e")), i=True)),
    ("mu (H^T eps Delta^dagger H) + h.c.", r"\mu (H^T \epsilon \Delta^\dagger H) + \text{h.c.}",
     term(sym("mu"), Group((sym("H", t=True), Epsilon(), sym("Delta", conj=True), H)), hc=True)),
    ("y_Delta L L Delta + H.c.", r"y_{\Delta} L L \Delta + \mathrm{h.c.}",
     term(sym("y", "_Delta"), sym("L"), sym("L"), sym("Delta"), hc=True)),
    ("y_Delta L L Delta + hc", r"y_\Delta L L \Delta + \text{H.c.}",
     term(sym("y", "_Delta"), sym("L"), sym("L"), sym("Delta"), hc=True)),
    ("- 1/4 G_{mu nu} G^{mu nu}", r"- \frac{1}{4} G_{\mu\nu} G^{\mu\nu}",
     term(sym("G", "_mu _nu"), sym("G", "^mu ^nu"), sign=-1, numbers=(Fraction(1, 4),))),
    ("-1/4 G_{mu nu} G^{mu nu}", r"-\tfrac14 G_{\mu \nu} G^{\mu \nu}",
     term(sym("G", "_mu _nu"), sym("G", "^mu ^nu"), sign=-1, numbers=(Fraction(1, 4),))),
    ("lam3 (H1^dagger H1)(H2^dagger H2)",
     r"\mathrm{lam3} \big( H1^\dagger H1 \big) \Big( H2^\dagger H2 \Big)",
     term(sym("lam3"), Group((sym("H1", conj=True), sym("H1"))),
          Group((sym("H2", conj=True), sym("H2"))))),
    ("c eps_{ij} H^i H^j", r"c\, \epsilon_{ij} H^i H^j",
     term(sym("c"), Epsilon(ix("_i _j")), sym("H", "^i"), sym("H", "^j"))),
    ("c epsilon_{i j} H^i H^j", r"c \varepsilon_{i,j} H^{i} H^{j}",
     term(sym("c"), Epsilon(ix("_i _j")), sym("H", "^i"), sym("H", "^j"))),
    ("k H^dagger_i H^i", r"k H^\dagger_i H^i", term(sym("k"), sym("H", "_i", conj=True),
                                                     sym("H", "^i"))),
    ("y eps_{abc} u^a d^b d^c", r"y \epsilon_{abc} u^a d^b d^c",
     term(sym("y"), Epsilon(ix("_a _b _c")), sym("u", "^a"), sym("d", "^b"), sym("d", "^c"))),
    ("Q^dagger^{a i} Q_{a i}", r"Q^{\dagger a i} Q_{ai}",
     term(sym("Q", "^a ^i", conj=True), sym("Q", "_a _i"))),
    ("1/2 partial_mu S partial^mu S", r"\frac{1}{2} \partial_\mu S \partial^\mu S",
     term(D("_mu", sym("S"), False), D("^mu", sym("S"), False), numbers=(Fraction(1, 2),))),
    ("0.5 D_mu D^mu S", r"0.5 D_\mu D^\mu S",
     term(D("_mu", D("^mu", sym("S"))), numbers=(Fraction(1, 2),))),
    ("2 1/3 D_mu (H^dagger H) X", r"2 \cdot \dfrac{1}{3} D_\mu (H^\dagger H) X",
     term(D("_mu", Group((Hd, H))), sym("X"), numbers=(Fraction(2), Fraction(1, 3)))),
    ("lambda_1 x", r"\lambda_1 x", term(sym("lambda", "_1"), sym("x"))),
    ("lambda_345 H_1 H^dagger_2", r"\lambda_{345} H_{1} H_2^\dagger",
     term(sym("lambda", "_345"), sym("H", "_1"), sym("H", "_2", conj=True))),
    ("m_{12}^2 H", r"m_{12}^2 H", term(sym("m", "_12", power=2), H)),
    ("W^a_{mu nu} W^{a mu nu}", r"W^{a}_{\mu\nu} W^{a\mu\nu}",
     term(sym("W", "^a _mu _nu"), sym("W", "^a ^mu ^nu"))),
    ("X^a_i^b", r"X^{a}_{i}{}^{b}", term(sym("X", "^a _i ^b"))),
    ("H^dagger^2", r"{H^{\dagger}}^{2}", term(sym("H", conj=True, power=2))),
    ("(D_mu H)^dagger^2", r"{(D_{\mu} H)^{\dagger}}^{2}",
     term(Group((D("_mu", H),), conjugate=True, power=2))),
    ("2 i S^dagger S", r"2 i S^\dagger S", term(sym("S", conj=True), sym("S"), numbers=(2,),
                                                 i=True)),
    ("D S", "D S", term(D("", sym("S")))),
    ("sigma", r"\sigma", term(Sigma(False))),
    ("Q' u''", "Q' u''", term(sym("Q'"), sym("u''"))),
    ("Phi^dagger Phi", r"\Phi^\dagger \Phi", term(sym("Phi", conj=True), sym("Phi"))),
    ("y_top t", r"y_{\text{top}} t", term(sym("y", "_t _o _p"), sym("t"))),
    ("lambda_HS S^2 H^dagger H", r"\lambda_{HS} S^2 H^\dagger H",
     term(sym("lambda", "_HS"), sym("S", power=2), Hd, H)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "latex", "tree"), CASES)
def test_both_syntaxes_read_the_same_tree(text: str, latex: str, tree: Term) -> None:
    assert strip_spans(parse_term(text)) == tree
    assert strip_spans(parse_term(latex, "latex")) == tree


def test_spans_of_a_term_and_its_factors() -> None:
    text = "- lambda (H^dagger H)^2 + h.c."
    t = parse_term(text)
    assert t.span is not None and t.hc_span is not None

    def cut(span: object) -> str:
        return text[span.start.offset : span.end.offset]  # type: ignore[attr-defined]

    assert cut(t.span) == "- lambda (H^dagger H)^2"
    assert cut(t.hc_span) == "+ h.c."
    lam, group = t.factors
    assert cut(lam.span) == "lambda"
    assert cut(group.span) == "(H^dagger H)^2"
    assert cut(group.factors[0].span) == "H^dagger"


def test_index_spans_split_letter_by_letter() -> None:
    eps = parse_term("eps_{ij}").factors[0]
    assert [(i.name, i.span.start.character) for i in eps.indices] == [("i", 5), ("j", 6)]


def test_latex_greek_and_text_names() -> None:
    t = parse_term(r"\lambda \Delta^\dagger \mathrm{Yu} \varphi'", "latex")
    assert [f.name for f in t.factors] == ["lambda", "Delta", "Yu", "varphi'"]


def test_latex_braces_group_nothing() -> None:
    t = parse_term(r"{y H^\dagger} {L}", "latex")
    assert strip_spans(t) == term(sym("y"), Hd, sym("L"))


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("H^dagger^dagger H", 1, 10, "a symbol is conjugated twice"),
        ("(H^dagger H)^2^3", 1, 16, "a parenthesised group is raised to a power twice"),
        ("(H H)_i", 1, 7, "a parenthesised group cannot take indices"),
        ("eps^dagger", 1, 5, "eps cannot take a conjugation"),
        ("sigma^2", 1, 7, "sigma cannot take a power"),
        ("D^dagger H", 1, 3, "a derivative cannot take a conjugation"),
        ("D_{mu nu} H", 1, 2, "a derivative takes one index, such as D_mu"),
        ("H^0", 1, 3, "a power must be between 1 and 100"),
        ("H^101", 1, 3, "a power must be between 1 and 100"),
        ("H^", 1, 2, "empty superscript; expected a name, a number, 'dagger', '*' or 'T'"),
        ("H_{}", 1, 2, "empty subscript; expected a name or a number"),
        ("H^{a", 1, 2, "missing '}' to close this superscript"),
        ("H^{a; b}", 1, 5, "unexpected ';' in a superscript"),
        ("H_{2.5}", 1, 4, "a subscript holds whole numbers only"),
        ("H_*", 1, 3, "unexpected '*'; expected '+', '-', '^', '_', a factor or the end of "
                      "the statement"),
        ("1/0 H", 1, 1, "division by zero"),
        ("1.5/2 H", 1, 1, "a fraction is written with whole numbers, such as 1/4"),
        ("H i", 1, 3, "'i' is a keyword and cannot stand as a symbol here"),
        ("(H", 1, 3, "unexpected end of the statement; expected ')'"),
        ("2 i", 1, 4, "unexpected end of the statement; expected a factor"),
        ("", 1, 1, "unexpected end of the statement; expected '+', '-', 'i', a factor or a "
                   "number"),
        ("H + h.c. + h.c.", 1, 10, "unexpected '+'; expected the end of the statement"),
        ("H - h.c.", 1, 3, "'h.c.' is added with '+', not '-'"),
        ("H + G", 1, 5, "unexpected 'G'; expected 'h.c.'"),
        ("H \u00e9", 1, 3, "unexpected '\u00e9'; expected '+', '-', '^', '_', a factor or "
                          "the end of the statement"),
    ],
)  # fmt: skip
def test_term_errors(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_term(text)
    assert (caught.value.line, caught.value.column, caught.value.message) == (line, column, message)
    assert str(caught.value) == f"{line}:{column}: {message}"


@pytest.mark.parametrize(
    ("latex", "column", "message"),
    [
        (r"x^{\foo}", 4, "unexpected '\\foo' in a superscript"),
        (r"x_{\dagger}", 4, "a subscript cannot hold '\\dagger'"),
        (r"{H H}^2", 1, "braces with scripts hold one factor; use parentheses for a product"),
        (r"\frac{1}{0} H", 1, "division by zero"),
        (r"D_\mu {H H}", 7, "a derivative acts on one factor; use parentheses"),
    ],
)
def test_latex_term_errors(latex: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_term(latex, "latex")
    assert caught.value.column == column
    assert caught.value.message.startswith(message)


def test_absurd_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_term("(" * 200 + "H" + ")" * 200)
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_term("D_mu " * 200 + "H")
    assert parse_term("(" * 60 + "H" + ")" * 60).factors


def test_number_too_long() -> None:
    with pytest.raises(ParseError, match="number too long"):
        parse_term("1" * 1001 + " H")
    assert parse_term("1" * 900 + " H").numbers[0].value == int("1" * 900)


def test_latex_greek_terminal_matches_the_greek_names() -> None:
    """latex.lark spells the Greek commands out; they must be names.GREEK_COMMANDS."""
    from lagrangian.grammar.names import GREEK_COMMANDS
    from lagrangian.grammar.parsers import lark_parser

    pattern = lark_parser("latex").get_terminal("GREEK").pattern.value
    listed = set(pattern.split("(?:", 1)[1].split(")", 1)[0].split("|"))
    assert listed == GREEK_COMMANDS - {"epsilon", "varepsilon", "sigma"}


def test_unknown_syntax_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="syntax must be 'lag' or 'latex'"):
        parse_term("H", "text")  # type: ignore[arg-type]

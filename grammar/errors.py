"""Syntax errors: the public ``ParseError`` and the messages made from Lark's exceptions.

Lark reports *which terminals* it expected; a user needs words ("expected ')' or a
factor"), a position, and the text actually found.  Every error the grammar can produce
goes through ``SyntaxProblem`` (a message and absolute offsets) so that the document
parser can turn it into a ``Diagnostic`` and ``parse_term`` into a ``ParseError``.
"""

from __future__ import annotations

import re

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from lagrangian.grammar.ast import Diagnostic
from lagrangian.grammar.hygiene import spelling_hint
from lagrangian.grammar.positions import LineIndex


class ParseError(Exception):
    """Bad input to ``parse_term``: ``message`` at ``line``:``column`` (both 1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class SyntaxProblem(Exception):
    """A syntax error found while parsing one statement, at absolute offsets.

    A ``note`` is the same thing at information level with code ``not-checked``: text the
    reader steps over on purpose (``\\dots``) is said, never skipped silently.
    """

    def __init__(self, message: str, start: int, end: int, note: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end
        self.note = note

    def diagnostic(self, lines: LineIndex) -> Diagnostic:
        span = lines.span(self.start, self.end)
        if self.note:
            return Diagnostic(span, "information", "not-checked", self.message)
        return Diagnostic(span, "error", "syntax", self.message)

    def parse_error(self, lines: LineIndex) -> ParseError:
        at = lines.position(self.start)
        return ParseError(self.message, at.line + 1, at.character + 1)


# What a user should read for each terminal Lark may expect.  Terminals that start a
# factor collapse into "a factor" when a derivative keyword is among them (a term
# position); elsewhere a NAME is just "a name".
_PHRASES = {
    "NAME": "a name",
    "GREEK": "a name",
    "TEXTNAME": "a name",
    "NUMBER": "a number",
    "REP": "a representation such as 3, -3, 3bar, 1/2",
    "GROUP_NAME": "a gauge group such as SU3, SU(5) or U1",
    "STRING": "a value",
    "BARE": "a value",
    "LHEAD": "'L ='",
    "HC": "'h.c.'",
    "IMAG_RM": "'i'",
    "FRAC": "'\\frac'",
    "FRAC_DIGITS": "'\\frac'",
    "EPS": "'eps'",
    "SIGMA": "'sigma'",
    "SIGMABAR": "'sigmabar'",
    "PARTIAL": "'partial'",
    "MATHCAL_D": "'D'",
    "SUP": "'^'",
    "SUB": "'_'",
    "FRACTION": "a number",
    "LPAR": "'('",
    "RPAR": "')'",
    "EMPTY_GROUP": "'{}'",
    "TIMES": "'x'",
    "$END": "the end of the statement",
}
_LATEX_PHRASES = {
    **_PHRASES,
    "EPS": "'\\epsilon'",
    "SIGMA": "'\\sigma'",
    "SIGMABAR": "'\\bar\\sigma'",
    "PARTIAL": "'\\partial'",
    "DOTS": "'\\dots'",
    "SUM_OP": "'\\sum'",
    "FACTORIAL": "a number",
    "DIVISOR": "a division by a number",
}
_FACTOR_STARTS = frozenset(
    [
        "NAME",
        "GREEK",
        "TEXTNAME",
        "EPS",
        "EPSILON",
        "SIGMA",
        "SIGMABAR",
        "D",
        "MATHCAL_D",
        "PARTIAL",
        "LPAR",
        "LSQB",
        "LBRACE",
        "BAR",
        "TILDE",
        "GAMMA",
        "VBAR",
        "TRACE",
        "FRAC",
        "FRAC_DIGITS",
        "SQRT",
        "SLASHED",
        "PROJECTOR",
        "EPS_MATRIX",
    ]
)
_FOUND = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9_'./]+|\S")
_MAX_LISTED = 8


def describe_expected(parser: Lark, names: set[str], latex: bool) -> str:
    """``'(' or a factor``: the expected terminals in words, most useful first."""
    names = set(names)
    phrases: list[str] = []
    if {"D", "PARTIAL"} & names and names & {"NAME", "GREEK"}:
        names -= _FACTOR_STARTS
        phrases.append("a factor")
    table = _LATEX_PHRASES if latex else _PHRASES
    for name in sorted(names):
        phrase = table.get(name)
        if phrase is None:
            pattern = parser.get_terminal(name).pattern
            phrase = repr(pattern.value) if isinstance(pattern, PatternStr) else name.lower()
        if phrase not in phrases:
            phrases.append(phrase)
    # Punctuation and keywords first, the catch-all phrases last.
    phrases.sort(key=lambda p: (not p.startswith("'"), p == "the end of the statement", p))
    if len(phrases) > _MAX_LISTED:
        phrases = [*phrases[: _MAX_LISTED - 1], "…"]
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def found_at(text: str, pos: int) -> str:
    """The word, command or character at ``pos``, to quote in a message."""
    found = _FOUND.match(text, pos)
    return found.group() if found else text[pos : pos + 1]


def from_lark(
    error: UnexpectedInput, chunk: str, base: int, parser: Lark, latex: bool
) -> SyntaxProblem:
    """A ``SyntaxProblem`` at absolute offsets from Lark's exception on ``chunk``."""
    expected: set[str] = set()
    at_end = False
    if isinstance(error, UnexpectedToken):
        expected = set(error.accepts or error.expected)
        token = error.token
        at_end = token.type == "$END"
        pos = (token.end_pos or 0) if at_end else (token.start_pos or 0)
    elif isinstance(error, UnexpectedCharacters):
        expected = set(error.allowed or ())
        pos = error.pos_in_stream
    else:  # UnexpectedEOF
        expected = set(getattr(error, "expected", ()) or ())
        at_end, pos = True, len(chunk.rstrip())
    wanted = describe_expected(parser, expected, latex) if expected else ""
    tail = f"; expected {wanted}" if wanted else ""
    if at_end or pos >= len(chunk):
        return SyntaxProblem(f"unexpected end of the statement{tail}", base + pos, base + pos)
    text = found_at(chunk, pos)
    unknown = isinstance(error, UnexpectedCharacters)  # no terminal at all matches here
    if latex and unknown and text.startswith("\\") and len(text) > 1:
        message = f"unsupported LaTeX command '{text}'"
    else:
        hint = spelling_hint(text[0]) if not text[0].isascii() else None
        if hint is not None:
            return SyntaxProblem(f"unexpected '{text[0]}': {hint}", base + pos, base + pos + 1)
        message = f"unexpected '{text}'"
    if text == "vector" and "'dirac'" in wanted:
        tail += " (a vector-like fermion is declared 'dirac')"
    return SyntaxProblem(message + tail, base + pos, base + pos + len(text))

"""What a superscript or subscript token says: ``^{dagger a}``, ``_{mu nu}``, ``^2``.

The grammars lex a whole script (``^`` or ``_`` with one item or a braced list) as one
token, which keeps the token count and the parser's work down by a third; this module
reads the items back out, each with its own span.  Above the line an item is a
conjugation (``dagger``, ``*``, ``\\dagger``), a transpose (``T``, ``\\top``), a power (a
number) or an index (a name); below it, names and numbers are indices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lagrangian.grammar.ast import Index
from lagrangian.grammar.errors import SyntaxProblem, found_at
from lagrangian.grammar.names import GREEK_COMMANDS, split_index_word
from lagrangian.grammar.positions import LineIndex

MAX_POWER = 100  # S^100 is the largest power accepted
MAX_DIGITS = 1000  # longest number literal
TOO_LONG = f"number too long (more than {MAX_DIGITS} digits)"

_GREEK_COMMAND = "|".join(sorted(GREEK_COMMANDS, key=len, reverse=True))
_TEXT_COMMAND = r"\\(?:text|mathrm|textrm|rm|mathit|mathsf|operatorname)\s*\{\s*"
_TEXT_ARGUMENT = re.compile(r"\{\s*([^}]*?)\s*\}")

# The items of a script, per syntax: skipped spacing, conjugation, transpose, names
# (indices) and numbers (powers above, indices below).
_ATOMS = {
    "lag": re.compile(
        r"(?P<skip>[\s,]+)"
        r"|(?P<conjugate>dagger(?![A-Za-z0-9'])|\*)"
        r"|(?P<transpose>T(?![A-Za-z0-9']))"
        r"|(?P<name>[A-Za-z][A-Za-z0-9]*'*|\d+'+)"  # a primed number ``1'`` is a name
        r"|(?P<number>\d+(?:\.\d+)?)"
    ),
    "latex": re.compile(
        r"(?P<skip>[\s,;.~&()]+|\\[,;:! ]|\\q?quad(?![A-Za-z])|\{\s*\}|\\rm\s+)"
        r"|(?P<charge>[+]+|[-]+)"
        r"|(?P<conjugate>\\dagger(?![A-Za-z])|\\(?:ast|star)(?![A-Za-z])|\*)"
        r"|(?P<transpose>T(?![A-Za-z0-9'])|\\(?:top|intercal)(?![A-Za-z])|"
        + _TEXT_COMMAND
        + r"T\s*\})"
        # names: ``ij``, ``\\mu``, ``\\text{top}``, a primed number ``3'``, a name with its own
        # subscript (``m_{H_u}``) and ``\\Box`` (``C_{H\\Box}``)
        r"|(?P<name>[A-Za-z][A-Za-z0-9]*'*(?:_\{?[A-Za-z0-9]+\}?)?"
        r"|\\(?:" + _GREEK_COMMAND + r")(?![A-Za-z])'*"
        r"|" + _TEXT_COMMAND + r"[A-Za-z][A-Za-z0-9]*'*\s*\}|\d+'+|\\(?:Box|square)(?![A-Za-z]))"
        r"|(?P<number>\d+(?:\.\d+)?)"
    ),
}


@dataclass(frozen=True)
class Script:
    """One item of a script: a conjugation, a transpose, a power or one index."""

    kind: str  # "conjugate" | "transpose" | "power" | "index"
    start: int
    end: int
    power: int = 1
    index: Index | None = None


def read_script(text: str, start: int, syntax: str, lines: LineIndex) -> list[Script]:
    """The items of the script token ``text`` found at offset ``start`` of ``lines.text``.

    A superscript of only ``+`` signs (``h^+``) is a charge label and says nothing; one of
    only ``-`` signs (``h^-``) is the conjugate field.
    """
    upper = text.startswith("^")
    what = "superscript" if upper else "subscript"
    pos, end = 1, len(text)
    while pos < end and text[pos].isspace():
        pos += 1
    if pos < end and text[pos] == "{":
        if text.count("{") != text.count("}"):
            raise SyntaxProblem(f"missing '}}' to close this {what}", start, start + end)
        pos, end = pos + 1, end - 1
    atoms = _ATOMS[syntax]
    out: list[Script] = []
    charged = False  # `h^+`, `k^{++}` (an electric-charge label), `h^-` (the conjugate)
    while pos < end:
        atom = atoms.match(text, pos, end)
        if atom is None:
            shown = found_at(text, pos)
            message = f"unexpected '{shown}' in a {what}"
            raise SyntaxProblem(message, start + pos, start + pos + len(shown))
        pos = atom.end()
        if atom.lastgroup == "charge" and upper:
            charged = True
            if atom.group().startswith("-"):
                out.append(Script("conjugate", start + atom.start(), start + atom.end()))
        elif atom.lastgroup == "charge":
            raise SyntaxProblem(
                f"a {what} cannot hold '{atom.group()}'", start + pos - 1, start + pos
            )
        elif atom.lastgroup != "skip":
            out.extend(_items(atom, start, upper, lines))
    if not out and not charged:
        wanted = "a name, a number, 'dagger', '*' or 'T'" if upper else "a name or a number"
        raise SyntaxProblem(f"empty {what}; expected {wanted}", start, start + len(text))
    return out


def _items(atom: re.Match[str], base: int, upper: bool, lines: LineIndex) -> list[Script]:
    kind, value = atom.lastgroup, atom.group()
    start, end = base + atom.start(), base + atom.end()
    what = "superscript" if upper else "subscript"
    if kind in ("conjugate", "transpose"):
        if upper:
            return [Script(kind, start, end)]
        if not value.isalpha():  # `_dagger` and `_T` are names, `_*` is not
            raise SyntaxProblem(f"a {what} cannot hold '{value}'", start, end)
    elif kind == "number":
        if len(value) > MAX_DIGITS:
            raise SyntaxProblem(TOO_LONG, start, end)
        if not value.isdigit():
            raise SyntaxProblem(f"a {what} holds whole numbers only", start, end)
        if not upper:
            return [Script("index", start, end, index=Index(value, False, lines.span(start, end)))]
        if not 1 <= int(value) <= MAX_POWER:
            raise SyntaxProblem(f"a power must be between 1 and {MAX_POWER}", start, end)
        return [Script("power", start, end, power=int(value))]
    word = _index_word(value)
    letters = split_index_word(word)
    if len(letters) == 1:
        return [Script("index", start, end, index=Index(word, upper, lines.span(start, end)))]
    # ``ij``: each letter its own index with its own span
    return [
        Script("index", s, s + 1, index=Index(x, upper, lines.span(s, s + 1)))
        for s, x in enumerate(letters, start)
    ]


def _index_word(atom: str) -> str:
    """An index name from a script item: ``\\mu'`` is ``mu'``, ``\\text{top}`` is ``top``."""
    if not atom.startswith("\\"):
        return atom
    argument = _TEXT_ARGUMENT.search(atom)
    return argument.group(1) if argument else atom[1:]

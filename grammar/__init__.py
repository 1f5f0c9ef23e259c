"""The document language: plain-text ``.lag`` and LaTeX math, parsed to one AST.

Parsing never decides what a name means (field, coupling or field strength): that is the
physics engine's job.  See ``docs/language.md`` for the language itself.
"""

from lagrangian.grammar.document import parse_declarations, parse_document, parse_term
from lagrangian.grammar.errors import ParseError
from lagrangian.grammar.names import GREEK, RESERVED, split_index_word, term_spelling
from lagrangian.grammar.positions import LineIndex, position_at
from lagrangian.grammar.printer import (
    print_declaration,
    print_document,
    print_factor,
    print_fit,
    print_term,
)
from lagrangian.grammar.statements import DEFAULT_GAUGE
from lagrangian.grammar.strip import strip_spans
from lagrangian.grammar.tex import math_regions, parse_tex

__all__ = [
    "DEFAULT_GAUGE",
    "GREEK",
    "RESERVED",
    "LineIndex",
    "ParseError",
    "math_regions",
    "parse_declarations",
    "parse_document",
    "parse_term",
    "parse_tex",
    "position_at",
    "print_declaration",
    "print_document",
    "print_factor",
    "print_fit",
    "print_term",
    "split_index_word",
    "strip_spans",
    "term_spelling",
]

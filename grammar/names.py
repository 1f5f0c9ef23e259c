"""Which names mean what in the document language: Greek letters, reserved words, indices.

These rules are shared by the parser (which reads names) and the printers (which must
write names back so that they read the same), so they live in one place.

Index words follow one rule in both syntaxes: a word of two or more lowercase Latin
letters that is not the name of a Greek letter stands for one index per letter, because
that is how physicists write explicit indices (``eps_{ij}``, ``eps^{abc}``, and in LaTeX
``\\epsilon_{ij}`` is two symbols).  Greek names (``mu``, ``nu``), capitalised words
(``Delta``), words with digits or primes (``a1``, ``i'``) and numbers (``12``) stay whole.
"""

from __future__ import annotations

import re

# LaTeX has a command for each of these; as index names they are Lorentz indices for the
# physics engine.  ``omicron`` has no LaTeX command but is still a Greek name.
GREEK_LOWER = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "varpi",
    "rho",
    "varrho",
    "sigma",
    "varsigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
]
GREEK_UPPER = [
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]
GREEK = frozenset(GREEK_LOWER + GREEK_UPPER)

# Greek names that have a LaTeX command (all but ``omicron``).
GREEK_COMMANDS = GREEK - {"omicron"}

# Words that cannot name a field: they are keywords of terms or of declarations.  ``hc`` is
# added to the list of the language reference because ``+ hc`` means ``+ h.c.``.
RESERVED = frozenset(
    [
        "D",
        "partial",
        "eps",
        "epsilon",
        "sigma",
        "sigmabar",
        "delta",
        "i",
        "dagger",
        "gauge",
        "scalar",
        "fermion",
        "fit",
        "left",
        "right",
        "dirac",
        "real",
        "x",
        "hc",
    ]
)

# Names a term cannot use as a symbol, because in term position they are keywords.
TERM_KEYWORDS = frozenset(
    ["D", "partial", "eps", "epsilon", "varepsilon", "sigma", "sigmabar", "i", "hc"]
)

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*'*")
_NUMERAL = re.compile(r"[0-9]+")
_PRIMED_NUMERAL = re.compile(r"[0-9]+'+")  # ``Phi_{1'}``: one index, as ``i'`` is
_LOWER_WORD = re.compile(r"[a-z]{2,}")
_SUBSCRIPT_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*'*|[0-9]+'*")


def split_index_word(word: str) -> list[str]:
    """The index names one written index word stands for (see the module docstring)."""
    if _LOWER_WORD.fullmatch(word) and word not in GREEK:
        return list(word)
    return [word]


def index_name_problem(name: str, upper: bool) -> str | None:
    """Why an index name cannot be written back so that it reads the same, or None."""
    if not (
        IDENTIFIER.fullmatch(name) or _NUMERAL.fullmatch(name) or _PRIMED_NUMERAL.fullmatch(name)
    ):
        return f"index name {name!r} is neither a name nor a number"
    if split_index_word(name) != [name]:
        return f"index name {name!r} would read as one index per letter"
    if upper and _NUMERAL.fullmatch(name):
        return f"upper index {name!r} would read as a power"
    if upper and name in ("T", "dagger"):
        return f"upper index {name!r} would read as a transpose or conjugate"
    return None


def subscript_indices(subscript: str) -> list[str]:
    """The lower indices the subscript of a declared name is read as, in order: ``1L`` is
    ``1``, ``L``; ``ab`` is ``a``, ``b``; ``12'`` is ``12'``.  A term joins them back into
    the name (``Psi_{1L}`` reaches ``Psi_1L``), so the printers write a name's subscript as
    these indices.  Raises ``ValueError`` for a subscript no script can hold."""
    words = _SUBSCRIPT_WORD.findall(subscript)
    if "".join(words) != subscript:
        raise ValueError(f"subscript {subscript!r} is neither names nor numbers")
    return [name for word in words for name in split_index_word(word)]


def term_spelling(name: str) -> str:
    """A declared name as a term writes it in either syntax: a subscript of more than one
    character in braces (``Psi_{1L}``, ``Phi_{12}``, ``Phi_{1'}``; LaTeX reads ``Phi_12`` as
    ``Phi_1`` times ``2``), a one-character one bare (``Phi_1``, ``Q_L``)."""
    base, _, sub = name.partition("_")
    return f"{base}_{{{sub}}}" if len(sub) > 1 else name


def symbol_name_problem(name: str) -> str | None:
    """Why a symbol name cannot be written back so that it reads the same, or None."""
    if not IDENTIFIER.fullmatch(name):
        return f"symbol name {name!r} is not a name"
    if name in TERM_KEYWORDS:
        return f"symbol name {name!r} is a keyword"
    return None

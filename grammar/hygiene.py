"""Characters copied from PDFs and word processors: read where harmless, named otherwise.

A byte-order mark, a non-breaking or thin space and the Unicode minus sign (U+2212, what a
PDF gives for ``-``) are replaced by their ASCII twins *of the same length*, so every span
still points at the right place in the editor's text.  Symbols with an ASCII spelling
(``†``, ``²``, ``λ``, ``Φ``) are not guessed at: a syntax error there says how to write
them, and an invisible character is named by its code point.
"""

from __future__ import annotations

import unicodedata

_SAME_WIDTH = str.maketrans(
    {
        "\ufeff": " ",  # byte-order mark
        "\u00a0": " ",  # no-break space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
        "\u2212": "-",  # minus sign
        "\u2013": "-",  # en dash, as PDFs render some minus signs
    }
)

_SPELLINGS = {
    "†": "^dagger (LaTeX: ^\\dagger)",
    "∗": "^*",
    "²": "^2",
    "³": "^3",
    "⁴": "^4",
    "×": "x (LaTeX: \\times)",
    "·": "a space (LaTeX: \\cdot)",
    "∂": "partial (LaTeX: \\partial)",
    "ε": "eps (LaTeX: \\epsilon)",
    "σ": "sigma (LaTeX: \\sigma)",
    "½": "1/2",
}


def clean(text: str) -> str:
    """``text`` with look-alike characters replaced one for one (offsets are unchanged)."""
    return text.translate(_SAME_WIDTH)


def spelling_hint(char: str) -> str | None:
    """How to write a character the grammar does not read, or what an invisible one is."""
    if char in _SPELLINGS:
        return f"write {_SPELLINGS[char]}"
    try:
        name = unicodedata.name(char)
    except ValueError:
        name = ""
    if name.startswith("GREEK"):
        letter = name.split()[-1].lower().replace("lamda", "lambda")  # Unicode's spelling
        word = letter.capitalize() if "CAPITAL" in name else letter
        return f"write {word} (LaTeX: \\{word})"
    if unicodedata.category(char) in ("Cf", "Zs", "Cc") and char not in " \t\r\n":
        return f"the invisible character U+{ord(char):04X} ({name or 'unnamed'}); delete it"
    return None

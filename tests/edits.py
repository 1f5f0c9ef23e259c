"""Fragments that make and break LaTeX terms, for the random-edit tests of re-parsing
(``grammar/test_grammar_piecewise.py``) and re-checking (``server/test_incremental.py``):
signs, brackets and braces, h.c., heads, layout, comments, math delimiters."""

TEX_FRAGMENTS = [
    "\n",
    "  ",
    "% note - with + signs\n",
    "- \\lambda_9 (H^\\dagger H)^2",
    " + \\text{h.c.}",
    "\\bar",
    "\\overline{",
    "(",
    ")",
    "{",
    "}",
    "+",
    "-",
    "\\frac{1}{2}",
    "^",
    "_{",
    "\\\\",
    "&",
    "\\nonumber",
    "\n\\mathcal{L}_Y = - ",
    "V = ",
    "\\end{align}",
    "\\sum_i ",
    "\\dots",
    "|",
    "$",
]

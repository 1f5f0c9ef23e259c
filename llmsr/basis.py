"""Generic building blocks of the built-in proposer: plain forms of each input and products.

A term of a law is usually a coefficient times a product of simple functions of single
inputs (x², 1/x, cos 2φ, sin θ …).  ``leaves`` lists those simple forms for one input;
which ones depends only on what kind of number the input is, so every form is defined on
it: integer and half-integer powers of a positive scale, harmonics up to order 2 of an angle
(cos φ, sin φ, cos 2φ, sin 2φ), and for a cosine c = cos θ the polar forms c, c², sin θ,
sin²θ and sin θ cos θ.  ``Basis`` enumerates products of leaves of distinct inputs,
simplest first, for the proposer's forward and exchange steps.  Nothing here combines two
inputs into a known law: products are formed blindly, in order of size, and kept only if the
data say so.
"""

from __future__ import annotations

import ast
import itertools

import numpy as np

from .spec import InputVariable, Specification

_LEAVES: dict[str, tuple[str, ...]] = {
    "cosine": ("{x}", "{x}**2", "np.sqrt(1 - {x}**2)", "(1 - {x}**2)", "{x}*np.sqrt(1 - {x}**2)"),
    "angle": ("{x}", "{x}**2", "np.cos({x})", "np.sin({x})", "np.cos(2*{x})", "np.sin(2*{x})"),
    "scale": ("{x}", "{x}**2", "1/{x}", "1/{x}**2", "np.sqrt({x})"),
    "rapidity": ("{x}", "{x}**2", "np.abs({x})", "np.tanh({x})"),
    "generic": ("{x}", "{x}**2"),
}
MAX_FACTORS = 3


def leaves(var: InputVariable) -> tuple[str, ...]:
    """The plain forms of one input, as Python text."""
    forms = _LEAVES.get(var.kind, _LEAVES["generic"])
    return tuple(form.replace("{x}", var.name) for form in forms)


class Basis:
    """The forward steps' library: products of leaves of 1 to 3 distinct inputs.

    ``terms`` holds them as Python text, fewer factors first and shuffled within a size.
    ``neighbours`` answers which terms are one leaf away from a term (one factor swapped for
    another form of the same input, one factor added or one removed): the exchange step
    moves along those when a sum picked a collinear look-alike (c·cos φ where the data
    want sin θ cos θ cos φ, which it resembles closely where |cos θ| < 0.6).
    """

    def __init__(self, spec: Specification, rng: np.random.Generator) -> None:
        products: list[tuple[tuple[str, str], ...]] = []
        for count in range(1, min(MAX_FACTORS, len(spec.inputs)) + 1):
            tier = [
                tuple(zip((var.name for var in group), product, strict=True))
                for group in itertools.combinations(spec.inputs, count)
                for product in itertools.product(*(leaves(var) for var in group))
            ]
            products += [tier[i] for i in rng.permutation(len(tier))]
        self.terms = [" * ".join(form for _, form in product) for product in products]
        self._factors = [dict(product) for product in products]
        self._index = {frozenset(product): i for i, product in enumerate(products)}
        self._leaves = {var.name: leaves(var) for var in spec.inputs}
        self._parsed = {
            ast.dump(ast.parse(t, mode="eval").body): i for i, t in enumerate(self.terms)
        }

    def __len__(self) -> int:
        return len(self.terms)

    def index_of(self, product: ast.expr) -> int | None:
        """The index of the term a program wrote as ``product`` (``None``: not a library term)."""
        return self._parsed.get(ast.dump(product))

    def size(self, index: int) -> tuple[int, int]:
        """How big term ``index`` is: its number of factors, then the length of its text."""
        return len(self._factors[index]), len(self.terms[index])

    def parts(self, index: int) -> list[str]:
        """Products of one or more of term ``index``'s factors, as text (the term included)."""
        forms = list(self._factors[index].values())
        return [
            " * ".join(chosen)
            for size in range(1, len(forms) + 1)
            for chosen in itertools.combinations(forms, size)
        ]

    def neighbours(self, index: int) -> list[int]:
        """Indices of the terms one leaf away from term ``index``, in library order."""
        factors = self._factors[index]
        found: set[int] = set()
        for name, forms in self._leaves.items():
            for form in (*forms, None):
                if factors.get(name) == form:
                    continue
                changed = {**factors, name: form}
                key = frozenset((k, v) for k, v in changed.items() if v is not None)
                if key and key in self._index:
                    found.add(self._index[key])
        return sorted(found)

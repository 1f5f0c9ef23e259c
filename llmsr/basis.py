"""Generic building blocks of the built-in proposer: plain forms of each input and products.

A term of a law is usually a coefficient times a product of simple functions of single
inputs (x², 1/x, cos 2φ, sin θ …).  ``leaves`` lists those simple forms for one input;
which ones depends only on what kind of number the input is, so every form is defined on
it: integer and half-integer powers of a positive scale, harmonics up to order 2 of an angle
(cos φ, sin φ, cos 2φ, sin 2φ), and for a cosine c = cos θ the polar forms c, c², sin θ,
sin²θ and sin θ cos θ.  ``basis_terms`` enumerates products of leaves of distinct inputs,
simplest first, for the proposer's forward steps.  Nothing here combines two inputs into a
known law: products are formed blindly, in order of size, and kept only if the data say so.
"""

from __future__ import annotations

import itertools

import numpy as np

from .spec import InputVariable, Specification

_LEAVES: dict[str, tuple[str, ...]] = {
    "cosine": ("{x}", "{x}**2", "np.sqrt(1 - {x}**2)", "(1 - {x}**2)", "{x}*np.sqrt(1 - {x}**2)"),
    "angle": ("{x}", "{x}**2", "np.cos({x})", "np.sin({x})", "np.cos(2*{x})", "np.sin(2*{x})"),
    "scale": ("{x}", "{x}**2", "1/{x}", "1/{x}**2", "np.sqrt({x})"),
    "rapidity": ("{x}", "{x}**2", "np.abs({x})"),
    "generic": ("{x}", "{x}**2"),
}
MAX_FACTORS = 3


def leaves(var: InputVariable) -> tuple[str, ...]:
    """The plain forms of one input, as Python text."""
    forms = _LEAVES.get(var.kind, _LEAVES["generic"])
    return tuple(form.replace("{x}", var.name) for form in forms)


def basis_terms(spec: Specification, rng: np.random.Generator) -> list[str]:
    """Products of leaves of 1 to 3 distinct inputs: fewer factors first, shuffled within."""
    terms: list[str] = []
    for count in range(1, min(MAX_FACTORS, len(spec.inputs)) + 1):
        tier = [
            " * ".join(product)
            for group in itertools.combinations(spec.inputs, count)
            for product in itertools.product(*(leaves(var) for var in group))
        ]
        terms += [tier[i] for i in rng.permutation(len(tier))]
    return terms

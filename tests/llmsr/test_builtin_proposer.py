"""The built-in proposer searches generic expressions; it carries no template of a known law."""

from __future__ import annotations

import re

from lagrangian.llmsr.backends.builtin import BuiltinProposer
from lagrangian.llmsr.prompts import build_prompt
from lagrangian.llmsr.spec import InputVariable, Specification

SPEC = Specification("A0", (InputVariable("pT", kind="scale"),))


def _replies(count: int) -> list[str]:
    proposer = BuiltinProposer(seed=0)
    return [
        r for serial in range(count) for r in proposer.sample(build_prompt(SPEC, [], 0, serial), 4)
    ]


def test_a_scale_input_gets_every_generic_primitive() -> None:
    text = "\n".join(_replies(150))
    for primitive in ("np.exp(", "np.log(", "np.sin(", "np.cos(", "np.sqrt(", "** 3", "/"):
        assert primitive in text, primitive


def test_no_saturating_law_is_handed_out_as_one_primitive() -> None:
    """x²/(c + x²) is the Drell–Yan A0 form; it may be found, never given as a building block."""
    template = re.compile(r"pT \*\* 2 / \(params\[\d+\] \+ pT \*\* 2\)")
    assert not any(template.search(reply) for reply in _replies(150))


def test_basis_terms_are_products_of_single_input_leaves() -> None:
    """No term ties two inputs inside one function: the library holds no law, only products."""
    import numpy as np

    from lagrangian.llmsr.basis import basis_terms, leaves

    spec = Specification(
        "y",
        (
            InputVariable("pT", kind="scale"),
            InputVariable("cos_theta", kind="cosine"),
            InputVariable("phi", kind="angle"),
        ),
    )
    single = {form for var in spec.inputs for form in leaves(var)}
    terms = basis_terms(spec, np.random.default_rng(0))
    assert all(set(term.split(" * ")) <= single for term in terms)
    assert all("params" not in form for form in single)
    assert len(terms) == len(set(terms))
    sizes = [term.count(" * ") for term in terms]
    assert sizes == sorted(sizes)  # simplest first


def test_forward_steps_are_never_repeated_across_prompts() -> None:
    replies = _replies(100)
    assert len(replies) == len(set(replies))

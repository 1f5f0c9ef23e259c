"""The built-in proposer searches generic expressions; it carries no template of a known law."""

from __future__ import annotations

import re

from lagrangian.llmsr.builtin_proposer import BuiltinProposer
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

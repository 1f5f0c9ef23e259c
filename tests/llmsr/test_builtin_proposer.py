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

    from lagrangian.llmsr.basis import Basis, leaves

    spec = Specification(
        "y",
        (
            InputVariable("pT", kind="scale"),
            InputVariable("cos_theta", kind="cosine"),
            InputVariable("phi", kind="angle"),
        ),
    )
    single = {form for var in spec.inputs for form in leaves(var)}
    terms = Basis(spec, np.random.default_rng(0)).terms
    assert all(set(term.split(" * ")) <= single for term in terms)
    assert all("params" not in form for form in single)
    assert len(terms) == len(set(terms))
    sizes = [term.count(" * ") for term in terms]
    assert sizes == sorted(sizes)  # simplest first


def test_forward_steps_are_never_repeated_across_prompts() -> None:
    replies = _replies(100)
    assert len(replies) == len(set(replies))


def test_a_rational_step_fits_the_drell_yan_saturation_exactly() -> None:
    """A0 = pT²/(m_Z² + pT²) is (a0 + a1·g)/(1 + b1·g) in g = pT²: a generic rational family
    the proposer hands out (never the law itself), which the fit then lands on exactly."""
    import numpy as np

    from lagrangian.llmsr.config import FitConfig
    from lagrangian.llmsr.fitting import fit_parameters, nmse
    from lagrangian.llmsr.worker import compile_program

    family = re.compile(
        r"return \(params\[0\] \+ params\[1\] \* pT \*\* 2\) / \(1 \+ params\[2\] \* pT \*\* 2\)\n"
    )
    found = [reply for reply in _replies(300) if family.search(reply)]
    assert found
    pt = np.linspace(0.5, 60, 40)
    y = pt**2 / (91.1876**2 + pt**2)
    equation = compile_program(found[0].replace("equation_v0", "equation"))
    outcome = fit_parameters(
        lambda p: equation(pt, p), y, None, 10, [0, 1, 2], FitConfig(), np.random.default_rng(0)
    )
    assert nmse(equation(pt, outcome.params), y) < 1e-20
    a0, a1, b1 = outcome.params[:3]
    assert abs(a0) < 1e-9 and abs(a1 / b1 - 1) < 1e-9 and abs(1 / b1 - 91.1876**2) < 1e-4


def test_a_full_program_drops_its_smallest_coefficient_more_often_than_by_chance() -> None:
    import ast

    import numpy as np

    from lagrangian.llmsr.backends.builtin import _weakest

    terms = [ast.parse(f"params[{k}] * x ** {k}", mode="eval").body for k in range(10)]
    fitted = (1.0, 2.0, 3.0, 1e-9, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)
    rng = np.random.default_rng(0)
    chosen = [_weakest(terms, fitted, rng) for _ in range(2000)]
    share = chosen.count(3) / len(chosen)
    assert 0.5 < share < 0.6  # half on purpose, plus a tenth of the random half
    assert len(set(chosen)) == 10  # the others still get dropped sometimes


COLLINS_SOPER = Specification(
    "density",
    (InputVariable("cos_theta", kind="cosine"), InputVariable("phi", kind="angle")),
)


def test_a_library_term_has_as_neighbours_the_terms_one_leaf_away() -> None:
    """Swap one factor for another form of its input, add one factor or remove one."""
    import numpy as np

    from lagrangian.llmsr.basis import Basis

    basis = Basis(COLLINS_SOPER, np.random.default_rng(0))
    index = basis.terms.index("cos_theta * np.cos(phi)")
    neighbours = {basis.terms[i] for i in basis.neighbours(index)}
    assert "cos_theta*np.sqrt(1 - cos_theta**2) * np.cos(phi)" in neighbours  # swapped c → c·s
    assert "cos_theta * np.sin(phi)" in neighbours  # swapped cos φ → sin φ
    assert {"cos_theta", "np.cos(phi)"} <= neighbours  # one factor removed
    assert "np.sqrt(1 - cos_theta**2) * np.sin(phi)" not in neighbours  # two leaves away
    assert "cos_theta * np.cos(phi)" not in neighbours
    assert len(neighbours) == (5 - 1) + (6 - 1) + 2


def _replies_from(
    spec: Specification, body: str, params: tuple[float, ...], count: int
) -> list[str]:
    from lagrangian.llmsr.prompts import ParentProgram

    proposer = BuiltinProposer(seed=0)
    parent = ParentProgram(body, -1e-3, params)
    return [
        r
        for serial in range(count)
        for r in proposer.sample(build_prompt(spec, [parent], 0, serial), 4)
    ]


def _exact(spec: Specification, reply: str, x: list, y: object) -> bool:
    """Whether a reply's program, fitted, reproduces y (NMSE below 1e-20)."""
    import numpy as np

    from lagrangian.llmsr.config import FitConfig
    from lagrangian.llmsr.fitting import fit_parameters, nmse
    from lagrangian.llmsr.worker import compile_program

    equation = compile_program(re.sub(r"equation_v\d+", "equation", reply))
    used = sorted({int(k) for k in re.findall(r"params\[(\d+)\]", reply)})
    outcome = fit_parameters(
        lambda p: equation(*x, p), y, None, 10, used, FitConfig(), np.random.default_rng(0)
    )
    return bool(nmse(equation(*x, outcome.params), y) < 1e-20)


def test_an_exchange_step_repairs_a_look_alike_term_of_the_collins_soper_sum() -> None:
    """Where |cos θ| < 0.6, sin θ ≈ 1, so c·cos φ stands in for the A1 term sin 2θ cos φ and a
    greedy sum keeps it.  Moving that one factor (c → c·sin θ) fits the law exactly."""
    import numpy as np

    c, phi = (g.ravel() for g in np.meshgrid(np.linspace(-0.6, 0.6, 13), np.linspace(0.1, 6, 16)))
    y = 1 + c**2 + 0.05 * 2 * c * np.sqrt(1 - c**2) * np.cos(phi)
    sum_so_far = "params[0] + params[1] * cos_theta ** 2 + params[2] * (cos_theta * np.cos(phi))"
    body = f"    return {sum_so_far}\n"
    replies = _replies_from(COLLINS_SOPER, body, (1.0, 1.0, 0.09), 60)
    moved = [  # three constants, as the parent has, and the look-alike gone: an exchange
        r
        for r in replies
        if "cos_theta * np.sqrt(1 - cos_theta ** 2) * np.cos(phi)" in r
        and "(cos_theta * np.cos(phi))" not in r
        and "params[3]" not in r
    ]
    assert any(_exact(COLLINS_SOPER, r, [c, phi], y) for r in moved)
    header = "def equation(cos_theta, phi, params):\n"
    assert not _exact(COLLINS_SOPER, header + body, [c, phi], y)


def test_a_common_denominator_step_turns_a_sum_into_the_a4_law() -> None:
    """A4 = 0.12·tanh|y|·m²/(m² + pT²): tanh|y| (the pair's longitudinal velocity) is a
    rapidity leaf; the sum a·tanh|y| + b·pT² put over 1 + c·pT² fits it exactly."""
    import numpy as np

    spec = Specification(
        "A4", (InputVariable("pT", kind="scale"), InputVariable("abs_y", kind="rapidity"))
    )
    pt, y = (g.ravel() for g in np.meshgrid(np.linspace(0.5, 60, 12), np.linspace(0.05, 2, 8)))
    a4 = 0.12 * np.tanh(y) * 91.1876**2 / (91.1876**2 + pt**2)
    body = "    return params[0] * np.tanh(abs_y) + params[1] * pT ** 2\n"
    replies = [r for r in _replies_from(spec, body, (0.1, -1e-5), 80) if "/ (1 + " in r]
    assert replies
    assert any(_exact(spec, r, [pt, y], a4) for r in replies)
    assert not _exact(spec, "def equation(pT, abs_y, params):\n" + body, [pt, y], a4)

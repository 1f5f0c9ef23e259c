"""The AST allow-list: ordinary numpy formulas pass; everything that could escape is rejected."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.llmsr.safety import UnsafeProgram, check_program

NAMES = ("x", "v")


def program(body: str) -> str:
    return "def equation(x, v, params):\n" + body


@pytest.mark.parametrize(
    "body",
    [
        "    return params[0] * x + params[1] * v ** 2\n",
        '    """doc"""\n    a = np.exp(-params[0] * x)\n    return a * np.sin(v) + np.pi\n',
        "    s = 0\n    for i in range(3):\n        s = s + params[i] * x ** i\n    return s\n",
        "    return np.where(x > 0, x, -x) * params[0] + abs(v) + x.shape[0] * 0\n",
        "    return sum(params[i] * x ** i for i in range(3))\n",
    ],
)
def test_ordinary_formulas_pass(body: str) -> None:
    check_program(program(body), NAMES)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("    import os\n    return x\n", "Import"),
        ("    return __import__('os').system('true')\n", "__import__"),
        ("    open('/tmp/owned', 'w').write('x')\n    return x\n", "open"),
        ("    return ().__class__.__bases__[0].__subclasses__()\n", "__class__"),
        ("    return x.__class__\n", "__class__"),
        ("    return np.load\n", "numpy.load"),
        ("    return np.lib.format\n", "not allowed"),
        ("    return eval('1')\n", "eval"),
        ("    f = lambda: 1\n    return f()\n", "Lambda"),
        ("    global y\n    return x\n", "Global"),
        ("    return getattr(x, 'shape')\n", "getattr"),
        ("    with x:\n        pass\n    return x\n", "With"),
        ("    return x\n    def g():\n        pass\n", "nested"),
        ("    return [c for c in 'abc']\n", "string"),
        ("    np = 1\n    return x\n", "assigning"),
        ("    return x.real\n", "real"),
        ("    return (x).sum.__self__\n", "__self__"),
        ("    try:\n        pass\n    except Exception:\n        pass\n    return x\n", "Try"),
        ("    pass\n", "never returns"),
        ("    return y\n", "'y'"),
    ],
)
def test_escapes_are_rejected(body: str, reason: str) -> None:
    with pytest.raises(UnsafeProgram, match=reason):
        check_program(program(body), NAMES)


def test_signature_must_match_the_specification() -> None:
    with pytest.raises(UnsafeProgram, match="arguments"):
        check_program("def equation(x, params):\n    return x\n", NAMES)
    with pytest.raises(UnsafeProgram, match="one function"):
        check_program("x = 1\ndef equation(x, v, params):\n    return x\n", NAMES)


def test_oversized_and_unparsable_programs_are_rejected() -> None:
    with pytest.raises(UnsafeProgram, match="too long"):
        check_program(program("    return x" + " + x" * 10_000 + "\n"), NAMES)
    with pytest.raises(UnsafeProgram, match="does not parse"):
        check_program(program("    return (x\n"), NAMES)
    deep = "(" * 500 + "x" + ")" * 500
    with pytest.raises(UnsafeProgram):
        check_program(program(f"    return {deep}\n"), NAMES)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_checker(text: str) -> None:
    with contextlib.suppress(UnsafeProgram):
        check_program(program(text), NAMES)

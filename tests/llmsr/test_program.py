"""Trimming model replies to function bodies, and reading parameter use off a program."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.llmsr.errors import LlmsrError
from lagrangian.llmsr.program import GarbageReply, extract_body, program_key, used_parameters


def test_whole_function_in_markdown_with_prose() -> None:
    reply = (
        "Here is an improved version:\n\n```python\n"
        "def equation_v2(x: np.ndarray, params: np.ndarray) -> np.ndarray:\n"
        '    """Improved version of `equation_v1`."""\n'
        "    # a damped term\n"
        "    y = params[0] * np.exp(-params[1] * x)\n"
        "    return y\n```\nThis adds damping."
    )
    assert extract_body(reply) == "    y = params[0] * np.exp(-params[1] * x)\n    return y\n"


def test_bare_continuation_of_the_header() -> None:
    reply = "    return params[0] * x ** 2\n\n\ndef equation_v3(x, params):\n    return x\n"
    assert extract_body(reply) == "    return params[0] * x ** 2\n"


def test_syntax_error_truncates_the_body_like_llmsr() -> None:
    reply = "def equation(x, params):\n    a = params[0] * x\n    return a\n    this is prose (\n"
    assert extract_body(reply) == "    a = params[0] * x\n    return a\n"


def test_multiline_header_and_docstring() -> None:
    reply = 'def equation(\n    x,\n    params,\n):\n    """Doc."""\n    return x * params[0]\n'
    assert extract_body(reply) == "    return x * params[0]\n"


@pytest.mark.parametrize(
    "reply", ["", "I cannot help with that.", "```\n```", "def f(x):\n    pass\n"]
)
def test_replies_without_a_body_are_garbage(reply: str) -> None:
    with pytest.raises(GarbageReply):
        extract_body(reply)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_reply_gives_a_body_or_garbage(reply: str) -> None:
    try:
        body = extract_body(reply)
    except GarbageReply:
        return
    ast.parse("def f():\n" + body)


def test_equivalent_bodies_share_a_key() -> None:
    assert program_key("    return x+1  # c\n") == program_key("    return x + 1\n")
    assert program_key("    return x + 1\n") != program_key("    return x + 2\n")


def _function(body: str) -> ast.FunctionDef:
    node = ast.parse("def equation(x, params):\n" + body).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_used_parameters() -> None:
    assert used_parameters(_function("    return params[3] * x + params[0]\n"), 10) == [0, 3]
    assert used_parameters(_function("    return x\n"), 10) == []
    loop = "    s = 0\n    for i in range(2):\n        s = s + params[i]\n    return s\n"
    assert used_parameters(_function(loop), 10) is None
    assert used_parameters(_function("    return np.polyval(params, x)\n"), 10) is None
    with pytest.raises(LlmsrError, match="outside"):
        used_parameters(_function("    return params[12]\n"), 10)

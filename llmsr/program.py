"""Turning model replies into equation programs, and reading facts off a program's syntax.

Language models answer with prose, markdown fences, a repeated signature, or a bare
continuation of the prompt's ``def equation_v2(...)`` header.  LLM-SR keeps only the
function body, trimmed by parsing (cutting at the first line that breaks the syntax); this
module does the same, and normalises the body with ``ast.unparse`` so that programs that
differ only in comments or spacing are recognised as one.
"""

from __future__ import annotations

import ast
import re
import textwrap

from .errors import LlmsrError

_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*\n(.*?)(?:```|\Z)", re.DOTALL)
_DEF = re.compile(r"^\s*def\s+\w+\s*\(")


class GarbageReply(LlmsrError):
    """A reply from which no function body could be extracted."""


def extract_body(reply: str) -> str:
    """The normalised body (4-space indented, docstring dropped) of the function in ``reply``.

    ``reply`` may hold a whole function (the first ``def``, preferably one named
    ``equation…``, is used) or just the indented body that continues a prompt's header.
    """
    text = reply.replace("\r\n", "\n").replace("\t", "    ")
    fenced = _FENCE.findall(text)
    if fenced:
        with_def = [block for block in fenced if "def " in block or "return" in block]
        text = (with_def or fenced)[0]
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    continuation = first[:1].isspace() and not _DEF.match(first)
    defs = [i for i, line in enumerate(lines) if _DEF.match(line)]
    if defs and not continuation:
        preferred = [i for i in defs if re.match(r"^\s*def\s+equation", lines[i])]
        start = (preferred or defs)[0]
        header_end = _header_end(lines, start)
        body_lines = lines[header_end + 1 :]
    else:
        body_lines = lines
    statements = _parse_prefix(body_lines)
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    if not any(isinstance(node, ast.Return) for s in statements for node in ast.walk(s)):
        raise GarbageReply("reply contains no function body with a return statement")
    body = "\n".join(ast.unparse(s) for s in statements)
    return textwrap.indent(body, "    ") + "\n"


def _header_end(lines: list[str], start: int) -> int:
    """Index of the line that ends a (possibly multi-line) ``def`` header."""
    for i in range(start, min(start + 20, len(lines))):
        if lines[i].rstrip().endswith(":"):
            return i
    return start


def _parse_prefix(body_lines: list[str]) -> list[ast.stmt]:
    """Statements of the longest prefix of ``body_lines`` that parses as a function body."""
    while body_lines and not body_lines[0].strip():
        body_lines = body_lines[1:]
    if not body_lines:
        return []
    first = body_lines[0]
    indent = len(first) - len(first.lstrip())
    kept: list[str] = []
    for line in body_lines:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break  # the body ended: prose or another definition follows
        kept.append(line[indent:] if line.strip() else "")
    while kept:
        code = "def _body():\n" + textwrap.indent("\n".join(kept), "    ")
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            cut = (error.lineno or 2) - 2  # line 1 is the fake header
            kept = kept[: max(0, min(cut, len(kept) - 1))]
            continue
        except (ValueError, RecursionError, MemoryError):
            return []
        function = tree.body[0]
        assert isinstance(function, ast.FunctionDef)
        return list(function.body)
    return []


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def used_parameters(function: ast.FunctionDef, max_nparams: int) -> list[int] | None:
    """Sorted indices ``i`` of ``params[i]`` in the program, or ``None`` when indexing is dynamic.

    Fitting only the parameters a program uses makes the fit faster and better conditioned;
    with ``params[i]`` inside a loop every parameter has to be fitted.
    """
    used: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == "params":
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            if node.value.id != "params":
                continue
            index = node.slice
            if isinstance(index, ast.Constant) and isinstance(index.value, int):
                if not 0 <= index.value < max_nparams:
                    raise LlmsrError(f"params[{index.value}] is outside 0..{max_nparams - 1}")
                used.add(index.value)
            else:
                return None
    bare = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id == "params" and isinstance(node.ctx, ast.Load)
    ]
    subscripted = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "params"
    ]
    if len(bare) != len(subscripted):
        return None  # params passed whole to something (e.g. np.polyval(params, x))
    return sorted(used)


def program_key(body: str) -> str:
    """A canonical form of a body for recognising repeated programs."""
    try:
        return ast.dump(ast.parse(textwrap.dedent(body)))
    except SyntaxError:
        return body.strip()

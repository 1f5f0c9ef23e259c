"""The AST allow-list for untrusted equation programs.

A proposed program is text written by a language model (or a hostile user); before it is
ever executed it must be a single function made of arithmetic, comparisons, loops, local
variables, ``params[i]`` and numpy math.  Anything that could reach the interpreter's
internals — imports, dunder attributes, attributes of anything but numpy, calls of anything
but whitelisted functions, names outside the function's own — is rejected here, and the
sandbox process re-imposes the same namespace and adds time and memory limits.
"""

from __future__ import annotations

import ast

from .errors import LlmsrError

MAX_SOURCE_CHARS = 20_000
MAX_NODES = 4_000

NUMPY_FUNCTIONS = frozenset(
    {
        "sin",
        "cos",
        "tan",
        "arcsin",
        "arccos",
        "arctan",
        "arctan2",
        "sinh",
        "cosh",
        "tanh",
        "arcsinh",
        "arccosh",
        "arctanh",
        "exp",
        "expm1",
        "exp2",
        "log",
        "log1p",
        "log2",
        "log10",
        "sqrt",
        "cbrt",
        "square",
        "abs",
        "absolute",
        "fabs",
        "power",
        "sign",
        "maximum",
        "minimum",
        "clip",
        "where",
        "hypot",
        "heaviside",
        "reciprocal",
        "floor",
        "ceil",
        "round",
        "zeros_like",
        "ones_like",
        "full_like",
        "asarray",
        "array",
        "sum",
        "prod",
        "mean",
        "dot",
        "polyval",
        "isfinite",
        "deg2rad",
        "rad2deg",
        "sinc",
        "logaddexp",
    }
)
NUMPY_CONSTANTS = frozenset({"pi", "e", "euler_gamma", "inf", "float64"})
NUMPY_NAMES = NUMPY_FUNCTIONS | NUMPY_CONSTANTS
ARRAY_ATTRIBUTES = frozenset({"shape", "size", "ndim", "T"})
BUILTINS = frozenset({"abs", "min", "max", "range", "len", "sum", "float", "int", "pow", "round"})
NUMPY_ALIASES = frozenset({"np", "numpy"})

_ALLOWED_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign,
    ast.AugAssign, ast.If, ast.For, ast.While, ast.Break, ast.Continue, ast.Pass, ast.Expr,
    ast.Name, ast.Load, ast.Store, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp,
    ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute, ast.Subscript, ast.Slice,
    ast.Tuple, ast.List, ast.ListComp, ast.GeneratorExp, ast.comprehension,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context,
)  # fmt: skip


class UnsafeProgram(LlmsrError):
    """A program outside the allow-list; the message says which construct and where."""


def parse_function(source: str) -> ast.FunctionDef:
    """Parse ``source`` into its single function definition or raise ``UnsafeProgram``."""
    if len(source) > MAX_SOURCE_CHARS:
        raise UnsafeProgram(f"program is too long ({len(source)} characters)")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise UnsafeProgram(f"program does not parse: {error}") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise UnsafeProgram("program must be exactly one function definition")
    return tree.body[0]


def check_program(source: str, input_names: tuple[str, ...]) -> ast.FunctionDef:
    """Verify ``source`` against the allow-list; return its parsed function on success."""
    function = parse_function(source)
    expected = [*input_names, "params"]
    args = function.args
    if (
        [a.arg for a in args.args] != expected
        or args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults
    ):  # fmt: skip
        raise UnsafeProgram(f"function arguments must be ({', '.join(expected)})")
    if function.decorator_list:
        raise UnsafeProgram("decorators are not allowed")
    nodes = list(ast.walk(function))
    if len(nodes) > MAX_NODES:
        raise UnsafeProgram(f"program is too large ({len(nodes)} syntax nodes)")
    local_names = set(expected) | _bound_names(function)
    docstring = _docstring_node(function)
    for node in nodes:
        _check_node(node, function, local_names, docstring)
    if not any(isinstance(node, ast.Return) and node.value is not None for node in nodes):
        raise UnsafeProgram("program never returns a value")
    return function


def _docstring_node(function: ast.FunctionDef) -> ast.AST | None:
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return first.value
    return None


def _bound_names(function: ast.FunctionDef) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _where(node: ast.AST) -> str:
    line = getattr(node, "lineno", None)
    return f" (line {line})" if line is not None else ""


def _check_node(
    node: ast.AST, function: ast.FunctionDef, local_names: set[str], docstring: ast.AST | None
) -> None:
    if not isinstance(node, _ALLOWED_NODES):
        raise UnsafeProgram(f"{type(node).__name__} is not allowed{_where(node)}")
    if isinstance(node, ast.FunctionDef) and node is not function:
        raise UnsafeProgram(f"nested function definitions are not allowed{_where(node)}")
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (str, bytes))
        and node is not docstring
    ):
        raise UnsafeProgram(f"string constants are not allowed{_where(node)}")
    if isinstance(node, ast.Name):
        _check_name(node, local_names)
    elif isinstance(node, ast.Attribute):
        _check_attribute(node)
    elif isinstance(node, ast.Call):
        _check_call(node)


def _check_name(node: ast.Name, local_names: set[str]) -> None:
    name = node.id
    if name.startswith("_"):
        raise UnsafeProgram(f"name {name!r} is not allowed{_where(node)}")
    if isinstance(node.ctx, ast.Store):
        if name in NUMPY_ALIASES or name in BUILTINS:
            raise UnsafeProgram(f"assigning to {name!r} is not allowed{_where(node)}")
        return
    if name not in local_names and name not in BUILTINS and name not in NUMPY_ALIASES:
        raise UnsafeProgram(f"name {name!r} is not allowed{_where(node)}")


def _check_attribute(node: ast.Attribute) -> None:
    if node.attr.startswith("_"):
        raise UnsafeProgram(f"attribute {node.attr!r} is not allowed{_where(node)}")
    base = node.value
    if isinstance(base, ast.Name) and base.id in NUMPY_ALIASES:
        if node.attr not in NUMPY_NAMES:
            raise UnsafeProgram(f"numpy.{node.attr} is not allowed{_where(node)}")
        return
    if node.attr not in ARRAY_ATTRIBUTES:
        raise UnsafeProgram(f"attribute {node.attr!r} is not allowed{_where(node)}")


def _check_call(node: ast.Call) -> None:
    func = node.func
    if isinstance(func, ast.Name) and func.id in BUILTINS:
        return
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in NUMPY_ALIASES
        and func.attr in NUMPY_FUNCTIONS
    ):
        return
    raise UnsafeProgram(f"call of {ast.unparse(func)!r} is not allowed{_where(node)}")

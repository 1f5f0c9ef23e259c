"""The LLM-SR specification: what is being modelled, from which inputs, with how many constants.

LLM-SR conditions the language model on a short description of the system, the names and
meanings of the inputs, and a starting skeleton ``equation(x…, params)``.  This module holds
that specification and renders the Python text of equation functions from it, so the prompt,
the sandbox and the saved run all agree on one signature.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Literal

InputKind = Literal["auto", "cosine", "angle", "scale", "rapidity", "generic"]
_KINDS = ("auto", "cosine", "angle", "scale", "rapidity", "generic")
_RESERVED = {"np", "numpy", "params", "equation", "MAX_NPARAMS"}


def identifier_for(column: str) -> str:
    """A Python identifier for a data column name (``|y|`` → ``abs_y``, ``2pt`` → ``x_2pt``)."""
    text = column.strip().replace("|", "abs_", 1).replace("|", "")
    text = re.sub(r"\W+", "_", text).strip("_") or "x"
    if text[0].isdigit() or keyword.iskeyword(text) or text in _RESERVED:
        text = f"x_{text}"
    return text


@dataclass(frozen=True)
class InputVariable:
    """One input of the equation.

    ``kind`` tells the built-in proposer which plain forms of the input are defined and
    sensible as leaves of its expression trees: a ``cosine`` (cos θ) also as sin θ = √(1−c²),
    an ``angle`` also under cos and sin, a positive ``scale`` (pT, m) also as 1/x, a
    ``rapidity`` also as |y|.  It never hands out a composite law.
    """

    name: str
    meaning: str = ""
    kind: InputKind = "auto"

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or keyword.iskeyword(self.name) or self.name in _RESERVED:
            raise ValueError(f"input name {self.name!r} is not a usable Python identifier")
        if self.kind not in _KINDS:
            raise ValueError(f"input kind {self.kind!r} is not one of {', '.join(_KINDS)}")


def infer_kind(name: str, values: object) -> InputKind:
    """Guess an input's kind from its name and values (used when the kind is ``auto``)."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    lower = name.lower()
    if "cos" in lower and array.size and np.all(np.abs(array) <= 1.0):
        return "cosine"
    if any(word in lower for word in ("theta", "phi", "angle")):
        return "angle"
    if lower in {"y", "abs_y", "absy", "rapidity", "eta", "abs_eta"} or lower.startswith("rap"):
        return "rapidity"
    if array.size and np.all(array >= 0):
        return "scale"
    return "generic"


@dataclass(frozen=True)
class Specification:
    """Task description, target, inputs, parameter count and starting skeleton body."""

    target: str
    inputs: tuple[InputVariable, ...]
    description: str = ""
    target_meaning: str = ""
    max_nparams: int = 10
    skeleton: str = field(default="")

    def __post_init__(self) -> None:
        if not self.inputs:
            raise ValueError("a specification needs at least one input")
        names = [v.name for v in self.inputs]
        if len(set(names)) != len(names):
            raise ValueError(f"input names repeat: {', '.join(names)}")
        if not 1 <= self.max_nparams <= 64:
            raise ValueError("max_nparams must be between 1 and 64")
        if not self.skeleton:
            object.__setattr__(self, "skeleton", self.linear_skeleton())

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.inputs)

    def linear_skeleton(self) -> str:
        """LLM-SR's starting point: a linear function of every input plus a constant."""
        terms = [f"params[{i}] * {name}" for i, name in enumerate(self.input_names)]
        terms.append(f"params[{len(self.inputs)}]")
        return "    return " + " + ".join(terms) + "\n"

    def header(self, name: str = "equation", annotated: bool = True) -> str:
        """``def name(x…, params)``; prompts show numpy annotations, executed code has none."""
        if not annotated:
            return f"def {name}({', '.join(self.input_names)}, params):\n"
        args = ", ".join(f"{n}: np.ndarray" for n in self.input_names)
        return f"def {name}({args}, params: np.ndarray) -> np.ndarray:\n"

    def docstring(self) -> str:
        """The docstring of ``equation``: the paper's wording, filled from the specification."""
        what = self.target_meaning or self.target
        lines = [f'    """ Mathematical function for {what}', "", "    Args:"]
        for var in self.inputs:
            meaning = var.meaning or var.name
            lines.append(
                f"        {var.name}: A numpy array representing observations of {meaning}."
            )
        lines += [
            "        params: Array of numeric constants or parameters to be optimized",
            "",
            "    Return:",
            f"        A numpy array representing {what} as the result of applying the "
            "mathematical function to the inputs.",
            '    """',
        ]
        return "\n".join(lines) + "\n"

    def function_source(self, body: str, name: str = "equation") -> str:
        """A complete function definition with this specification's signature and ``body``."""
        return self.header(name, annotated=False) + body

    def preamble(self) -> str:
        """Text before the functions in a prompt: description, import and parameter count."""
        description = (
            self.description.strip() or f"Find the mathematical function for {self.target}."
        )
        return (
            f'"""\n{description}\n"""\n\n'
            "import numpy as np\n\n"
            "#Initialize parameters\n"
            f"MAX_NPARAMS = {self.max_nparams}\n"
            "params = [1.0]*MAX_NPARAMS\n\n"
        )

    def with_inferred_kinds(self, columns: Any) -> Specification:
        """A copy whose ``auto`` input kinds are inferred from ``columns`` (rows × inputs)."""
        import dataclasses

        inputs = tuple(
            v
            if v.kind != "auto"
            else dataclasses.replace(v, kind=infer_kind(v.name, columns[:, i]))
            for i, v in enumerate(self.inputs)
        )
        return dataclasses.replace(self, inputs=inputs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "inputs": [{"name": v.name, "meaning": v.meaning, "kind": v.kind} for v in self.inputs],
            "description": self.description,
            "target_meaning": self.target_meaning,
            "max_nparams": self.max_nparams,
            "skeleton": self.skeleton,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Specification:
        inputs = tuple(InputVariable(**v) for v in data["inputs"])
        return cls(**{**data, "inputs": inputs})

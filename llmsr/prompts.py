"""LLM-SR prompts: earlier programs as ``equation_v0``, ``equation_v1``; ask for ``equation_v2``.

The text is what a language model sees: the paper's instruction, the specification's
preamble, the chosen programs renamed and given the "Improved version of" docstrings, and the
header plus docstring of the next version, which a completion model simply continues.  The
same ``Prompt`` also carries the programs in structured form for the built-in proposer,
which needs no text.
"""

from __future__ import annotations

from dataclasses import dataclass

from .spec import Specification

INSTRUCTION = (
    "You are a helpful assistant tasked with discovering mathematical function structures "
    "for scientific systems. Complete the 'equation' function below, considering the "
    "physical meaning and relationships of inputs.\n\n"
)


@dataclass(frozen=True)
class ParentProgram:
    """A program shown in a prompt: its body, score and fitted constants."""

    body: str
    score: float
    params: tuple[float, ...] = ()


@dataclass(frozen=True)
class Prompt:
    """One request for new programs."""

    text: str
    completion_header: str
    island: int
    parents: tuple[ParentProgram, ...]
    spec: Specification
    serial: int = 0


def build_prompt(
    spec: Specification, parents: list[ParentProgram], island: int, serial: int = 0
) -> Prompt:
    """The LLM-SR prompt for ``parents`` (ordered worse to better) from one island."""
    parts = [INSTRUCTION, spec.preamble()]
    for version, parent in enumerate(parents):
        name = f"equation_v{version}"
        docstring = spec.docstring() if version == 0 else _improved(version - 1)
        parts.append(spec.header(name) + docstring + parent.body.rstrip("\n") + "\n\n\n")
    next_version = len(parents)
    docstring = spec.docstring() if next_version == 0 else _improved(next_version - 1)
    header = spec.header(f"equation_v{next_version}") + docstring
    parts.append(header)
    return Prompt("".join(parts), header, island, tuple(parents), spec, serial)


def _improved(previous: int) -> str:
    return f'    """Improved version of `equation_v{previous}`."""\n'

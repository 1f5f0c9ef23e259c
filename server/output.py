"""How the command line prints engine results and diagnostics, per ``--format``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lagrangian.grammar import ast, print_term
from lagrangian.physics.api import (
    EngineTerm,
    declaration_text,
    field_record,
    parameter_summary,
)
from lagrangian.physics.eft.operators import EffectiveOperators, term_class
from lagrangian.physics.fields import Model, default_strength_names
from lagrangian.physics.paper.latex import Notation, paper_latex
from lagrangian.physics.symmetries import symmetry_text
from lagrangian.physics.tokens import fields_tokens


def render_generated(
    model: Model,
    terms: list[EngineTerm],
    fmt: str,
    operators: EffectiveOperators | None = None,
    notation: Notation = "two-component",
) -> str:
    """``operators`` (``--max-dimension`` above 4): terms carry their dimension and class,
    and every class of operators is listed with its count.  ``notation`` matters to
    ``latex`` only: ``four-component`` prints the paper form (``physics.paper.latex``),
    ``two-component`` the engine's Weyl terms one per row."""
    if fmt == "json":
        payload = {
            "fields": [field_record(model, f) for f in model.fields],
            "terms": [_term_record(model, t, operators) for t in terms],
            "parameters": parameter_summary(terms),
        }
        if operators is not None:
            payload["max_dimension"] = operators.max_dimension
            payload["operators"] = {str(d): n for d, n in operators.per_dimension().items()}
            payload["operator_classes"] = operators.records(model)
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "tokens":
        lines = [" ".join(fields_tokens(model))]
        lines += [t.record(model)["tokens"] for t in terms]
        return "\n".join(lines) + "\n"
    names = [f.name for f in model.fields]
    declarations = [declaration_text(f, model) for f in model.fields]
    declarations += [symmetry_text(s, names) for s in model.symmetries]
    gauge = _gauge_line(model)
    if fmt == "latex" and notation == "four-component":
        symmetries = [symmetry_text(s, names) for s in model.symmetries]
        paper = paper_latex(model, terms, ([gauge] if gauge else []) + symmetries)
        return paper + "".join(line + "\n" for line in _class_lines(operators, "%"))
    if fmt == "latex":
        directive = "% lagrangian: " + "; ".join(([gauge] if gauge else []) + declarations)
        body = [_signed(t.tree, "latex") for t in terms]
        first = body[0].removeprefix("+ ")
        lines = [directive, "\\begin{align}", f"\\mathcal{{L}} = & {first}"]
        lines += [f"  &{line}" for line in body[1:]]
        rows = _latex_lines(lines)
        rows[2:] = [_noted(row, t.note, "%") for row, t in zip(rows[2:], terms)]
        classes = _class_lines(operators, "%")
        after = "".join(line + "\n" for line in classes[1:])
        return "\n".join([rows[0], *classes[:1], *rows[1:]]) + "\n\\end{align}\n" + after
    body = [_noted(_signed(t.tree, "text"), t.note, "#") for t in terms]
    header = [f"# Complete renormalizable Lagrangian: {len(terms)} independent terms"]
    if operators is not None:
        header = [
            f"# Complete Lagrangian up to dimension {operators.max_dimension}: "
            f"{len(terms)} explicit terms"
        ]
    header += _summary_lines(parameter_summary(terms))
    header += [gauge] if gauge else []
    classes = _class_lines(operators, "#")
    lines = [*header, *classes[:1], *declarations, "", f"L = {body[0].removeprefix('+ ')}"]
    lines += [f"  {line}" for line in body[1:]]
    lines += ["", *classes[1:]] if classes else []
    return "\n".join(lines) + "\n"


def _term_record(
    model: Model, term: EngineTerm, operators: EffectiveOperators | None
) -> dict[str, Any]:
    record = term.record(model)
    if operators is not None:
        record["dimension"], record["class"] = term_class(model, term.term)
    return record


def _class_lines(operators: EffectiveOperators | None, comment: str) -> list[str]:
    """A summary line (operators per dimension, h.c. separately), then one comment line per
    class: ``# dim 6 psi2phi2D: H H^dagger L L^dagger D: 2 operators``."""
    if operators is None:
        return []
    totals = ", ".join(f"{n} at {d}" for d, n in operators.per_dimension().items())
    lines = [f"{comment} operators above dimension 4 (h.c. counted separately): {totals}"]
    for entry in operators.classes:
        plural = "s" if entry.count != 1 else ""
        where = "written above" if entry.explicit else "class only"
        lines.append(
            f"{comment} dim {entry.dimension} {entry.name}: {entry.fields_text()}: "
            f"{entry.count} operator{plural}{' + h.c.' if entry.hc else ''} ({where})"
        )
    return lines


def _noted(line: str, note: str | None, comment: str) -> str:
    """A row with its flavour note as a trailing comment."""
    return f"{line}  {comment} {note}" if note else line


def _summary_lines(summary: dict[str, dict[str, int]]) -> list[str]:
    """``# independent parameters: yukawa 27 complex; quartic 10 real``: with flavours the
    number of terms no longer says how many couplings a model has."""
    parts = []
    for kind, counts in summary.items():
        words = [f"{n} {what}" for what, n in counts.items() if n]
        parts.append(f"{kind} {' + '.join(words)}")
    return ["# independent parameters: " + "; ".join(parts)] if parts else []


def _latex_lines(lines: list[str]) -> list[str]:
    """Line breaks between the rows of the ``align`` body."""
    out = lines[:3]
    for line in lines[3:]:
        out[-1] += " \\\\"
        out.append(line)
    return out


def _signed(term: ast.Term, style: str) -> str:
    """A term printed with an explicit leading ``+`` or ``-``."""
    text = print_term(term, style)  # type: ignore[arg-type]
    return text if text.startswith(("+", "-")) else f"+ {text}"


def _gauge_line(model: Model) -> str | None:
    names = model.group.names
    if names == ("SU3", "SU2", "U1") and model.strengths == default_strength_names(model.group):
        return None
    parts = [
        f"{name}[{s}]" if s != d else name
        for name, s, d in zip(names, model.strengths, default_strength_names(model.group))
    ]
    return "gauge " + " x ".join(parts)


def render_diagnostics(path: Path, diagnostics: list[ast.Diagnostic], fmt: str) -> str:
    records = [diagnostic_record(d) for d in diagnostics]
    if fmt == "json":
        return json.dumps({"diagnostics": records}, indent=2, ensure_ascii=False) + "\n"
    lines = [
        f"{path}:{r['line']}:{r['column']}: {r['severity']}: {r['message']} [{r['code']}]"
        for r in records
    ]
    errors = sum(r["severity"] == "error" for r in records)
    warnings = sum(r["severity"] == "warning" for r in records)
    lines.append(f"{path}: {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def diagnostic_record(d: ast.Diagnostic) -> dict[str, Any]:
    """The ``check --format json`` contract: 1-based lines and (UTF-16) columns."""
    return {
        "line": d.span.start.line + 1,
        "column": d.span.start.character + 1,
        "end_line": d.span.end.line + 1,
        "end_column": d.span.end.character + 1,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    }

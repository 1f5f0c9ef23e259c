"""How good a checkpoint is: the paper's score, exact match, and the semantic score.

* Paper score (Koay et al.): per Lagrangian S = (N_correct - N_extra) / N_true, terms matched
  as multisets up to order and label renaming (the codec's canonical form).
* Exact match: the generated terms equal the true ones as a multiset.
* Semantic: every generated term is a nonzero invariant (none dropped by verification), and
  per monomial the model's terms span exactly the invariant space (the engine has nothing to
  fill in) — right whatever contraction convention the model chose.

Results are broken down by number of fields and, for coverage, by term kind.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lagrangian.model.checkpoint import LoadedModel
    from lagrangian.model.generate import GenerationSettings


@dataclass(frozen=True)
class Example:
    """A field set with its true target in the checkpoint's format."""

    fields: str
    n_fields: int
    target: list[str]


def canonical_terms(codec: Any, tokens: Sequence[str], model: Any = None) -> Counter[object]:
    """The multiset of a target's terms in canonical form (unparseable pieces count as
    distinct junk, so they are extras, never matches).  A codec with its own field order
    (``units``) names fields in that order; given the ``model``, they are renumbered in
    declaration order, as the pipeline's answers are."""
    from lagrangian.model.codec.bartl import BartLCodec, decode_terms
    from lagrangian.model.windows import merge

    decoded = decode_terms(tokens) if isinstance(codec, BartLCodec) else codec.decode(tokens)
    found = decoded.terms
    if model is not None and hasattr(codec, "field_order"):
        found = merge([(codec.field_order(model), found)])
    terms: Counter[object] = Counter(t.canonical() for t in found)
    terms.update(("unparsed", k) for k in range(len(decoded.errors)))
    return terms


def paper_score(true: Counter[object], predicted: Counter[object]) -> float:
    """S = (N_correct - N_extra) / N_true."""
    correct = sum((true & predicted).values())
    extra = sum(predicted.values()) - correct
    return (correct - extra) / max(1, sum(true.values()))


def examples_from_fields(codec: Any, declarations: Sequence[str]) -> list[Example]:
    """Examples whose truth is the engine's Lagrangian (for ``--fields``)."""
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model
    from lagrangian.physics.lagrangian import complete_lagrangian

    out = []
    for text in declarations:
        document = parse_declarations(text)
        for error in document.errors:
            raise ValueError(f"--fields: column {error.span.start.character + 1}: {error.message}")
        model, problems = build_model(document.gauge, document.fields)
        for problem in problems:
            raise ValueError(
                f"--fields: column {problem.span.start.character + 1}: {problem.message}"
            )
        target = codec.encode_terms(model, complete_lagrangian(model))
        out.append(Example(text, len(model.fields), target))
    return out


def examples_from_records(codec_name: str, records: Sequence[dict[str, Any]]) -> list[Example]:
    key = f"tgt_{codec_name}"
    if records and key not in records[0]:
        raise ValueError(f"the data has no {key!r} targets for this checkpoint's codec")
    return [Example(r["fields"], int(r["n_fields"]), r[key].split()) for r in records]


def evaluate(
    loaded: LoadedModel,
    examples: Sequence[Example],
    settings: GenerationSettings | None = None,
) -> dict[str, Any]:
    """Score ``loaded`` on ``examples``; returns the report (JSON-able)."""
    from lagrangian.model.codec import codec_by_name
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate

    codec = codec_by_name(loaded.metadata.codec)
    settings = settings or GenerationSettings()
    models = [_model(e.fields) for e in examples]
    started = time.perf_counter()
    results = generate(models, loaded, settings)
    seconds = time.perf_counter() - started
    rows = []
    kinds: dict[str, Counter[str]] = {}
    for example, result in zip(examples, results):
        true = canonical_terms(codec, example.target, result.model)
        predicted = canonical_terms(codec, result.output)
        sources = result.verification.terms
        semantic = result.verification.dropped == 0 and all(s == "model" for _, s in sources)
        for term, source in sources:
            kinds.setdefault(term.kind, Counter())[source] += 1
        rows.append(
            {
                "n_fields": example.n_fields,
                "score": paper_score(true, predicted),
                "exact": true == predicted,
                "semantic": semantic,
                "dropped": result.verification.dropped,
                "finished": result.info["finished"],
            }
        )
    by_fields = {
        n: _aggregate([r for r in rows if r["n_fields"] == n])
        for n in sorted({r["n_fields"] for r in rows})
    }
    return {
        "checkpoint": loaded.describe(),
        "decoding": {
            "num_beams": settings.num_beams,
            "constrained": any(r.info["constrained"] for r in results),
            "window": settings.window,
        },
        "examples": len(rows),
        "overall": _aggregate(rows),
        "by_fields": by_fields,
        "by_kind": {
            kind: {
                "terms": sum(c.values()),
                "model_share": round(c["model"] / max(1, sum(c.values())), 4),
            }
            for kind, c in sorted(kinds.items())
        },
        "seconds_per_lagrangian": round(seconds / max(1, len(rows)), 4),
    }


def _model(declarations: str) -> Any:
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    document = parse_declarations(declarations)
    model, _ = build_model(document.gauge, document.fields)
    return model


def _aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"examples": 0}
    return {
        "examples": len(rows),
        "paper_score": round(statistics.fmean(r["score"] for r in rows), 4),
        "exact_match": round(sum(r["exact"] for r in rows) / len(rows), 4),
        "semantic_accuracy": round(sum(r["semantic"] for r in rows) / len(rows), 4),
        "dropped_terms_per_lagrangian": round(statistics.fmean(r["dropped"] for r in rows), 3),
        "unfinished": sum(not r["finished"] for r in rows),
    }


def text_report(report: dict[str, Any]) -> str:
    """A table of the report for terminals and model cards (Markdown)."""
    lines = [
        "| fields | examples | paper score S | exact match | semantic accuracy |",
        "|---|---|---|---|---|",
    ]
    rows = [*report["by_fields"].items(), ("all", report["overall"])]
    for n, agg in rows:
        if not agg.get("examples"):
            continue
        lines.append(
            f"| {n} | {agg['examples']} | {agg['paper_score']:.3f} | "
            f"{agg['exact_match']:.1%} | {agg['semantic_accuracy']:.1%} |"
        )
    lines.append("")
    lines.append("| term kind | terms | share proposed by the model |")
    lines.append("|---|---|---|")
    for kind, row in report["by_kind"].items():
        lines.append(f"| {kind} | {row['terms']} | {row['model_share']:.1%} |")
    return "\n".join(lines) + "\n"


def plot_accuracy(report: dict[str, Any], path: Path) -> None:
    """A PNG of exact-match and semantic accuracy against the number of fields."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fields = [int(n) for n in report["by_fields"]]
    rows = list(report["by_fields"].values())
    figure = Figure(figsize=(5, 3.5))
    axes = figure.add_subplot()
    for key, label in (("semantic_accuracy", "semantic"), ("exact_match", "exact match")):
        axes.plot(fields, [r[key] for r in rows], marker="o", label=label)
    axes.plot(fields, [r["paper_score"] for r in rows], marker="s", label="paper score S")
    axes.set_xlabel("number of fields")
    axes.set_ylabel("accuracy")
    axes.set_ylim(min(0.0, *(r["paper_score"] for r in rows)) - 0.05, 1.05)
    axes.set_xticks(fields)
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)

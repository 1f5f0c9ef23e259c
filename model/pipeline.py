"""Fields in, verified Lagrangian out: the model proposes, the engine verifies and fills in.

``generate`` runs a loaded checkpoint on field sets (batched), decodes each output with the
checkpoint's codec, verifies it (``model.verify``) and returns the ``lagrangian generate
--format json`` records with a ``"source"`` per term plus a ``"model"`` block (checkpoint,
device, generated/verified/dropped counts, seconds).  ``complete`` does the same for a
document and keeps only the terms it lacks.  :class:`ModelCompleter` is the entry point for
the language server: a checkpoint folder or a model-server URL, loaded lazily.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lagrangian.model.codec import codec_by_name
from lagrangian.model.verify import Verification, proposals_from_tokens, verify

if TYPE_CHECKING:
    from lagrangian.model.checkpoint import LoadedModel
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.physics.api import EngineTerm
    from lagrangian.physics.checks import Analysis
    from lagrangian.physics.fields import Model


@dataclass
class ModelResult:
    """One field set's verified Lagrangian and how the model did on it."""

    model: Model
    verification: Verification
    info: dict[str, Any]
    output: list[str]

    def engine_terms(self) -> list[tuple[EngineTerm, str]]:
        from lagrangian.physics.api import engine_terms

        terms = [t for t, _ in self.verification.terms]
        sources = [s for _, s in self.verification.terms]
        return list(zip(engine_terms(self.model, terms), sources))

    def payload(self, only: Sequence[EngineTerm] | None = None) -> dict[str, Any]:
        """The JSON contract: fields, terms (``only`` those, if given) and the model block."""
        from lagrangian.physics.api import field_record

        wanted = None if only is None else {_key(t) for t in only}
        records = [
            term.record(self.model, source)
            for term, source in self.engine_terms()
            if wanted is None or _key(term) in wanted
        ]
        return {
            "fields": [field_record(self.model, f) for f in self.model.fields],
            "terms": records,
            "model": self.info,
        }


def _key(term: EngineTerm) -> object:
    t = term.term
    return (t.kind, t.occurrences, t.pattern, t.strength)


def generate(
    models: Sequence[Model], loaded: LoadedModel, settings: GenerationSettings | None = None
) -> list[ModelResult]:
    """Model output for each field set, verified and completed by the engine."""
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.generate import generate as generate_tokens
    from lagrangian.model.windows import sub_model, windows

    settings = settings or GenerationSettings()
    codec = codec_by_name(loaded.metadata.codec)
    if not hasattr(codec, "encode_fields"):
        raise ValueError(f"codec {loaded.metadata.codec!r} has no physics encoding")
    window = _window(settings, loaded)
    plans = [
        windows(len(m.fields), window) if window else [tuple(range(len(m.fields)))] for m in models
    ]
    if hasattr(codec, "field_order"):  # a canonical field order: a window that permutes
        plans = [
            [tuple(w[i] for i in codec.field_order(sub_model(m, w))) for w in plan]
            for m, plan in zip(models, plans)
        ]
    started = time.perf_counter()
    sources = [
        codec.encode_fields(sub_model(m, w))  # type: ignore[attr-defined]
        for m, plan in zip(models, plans)
        for w in plan
    ]
    grammars = None
    if _constrained(settings, loaded):
        from lagrangian.model.constrained import grammar

        grammars = [grammar(sub_model(m, w)) for m, plan in zip(models, plans) for w in plan]
    hypotheses = generate_tokens(loaded, sources, settings, grammars)
    seconds = (time.perf_counter() - started) / max(1, len(models))
    results = []
    position = 0
    for model, plan in zip(models, plans):
        found = [h[0] for h in hypotheses[position : position + len(plan)]]
        position += len(plan)
        tokens, unparsed = _answer(codec, plan, found)
        proposals, more = proposals_from_tokens(model, codec, tokens)
        verification = verify(model, proposals, unparsed + more)
        info = {
            **loaded.describe(),
            **verification.counts(),
            "finished": all(h.finished for h in found),
            "score": round(sum(h.score for h in found), 4),
            "seconds": round(seconds, 4),
            "constrained": grammars is not None,
            **({"windows": len(plan)} if len(plan) > 1 else {}),
        }
        results.append(ModelResult(model, verification, info, tokens))
    return results


def _constrained(settings: GenerationSettings, loaded: LoadedModel) -> bool:
    """Whether decoding is constrained: as asked, or (``None``) where the format allows."""
    from lagrangian.model.constrained import FORMATS

    allowed = loaded.metadata.codec in FORMATS
    if settings.constrained and not allowed:
        raise ValueError(
            f"constrained decoding needs the {' or '.join(FORMATS)} format, "
            f"not {loaded.metadata.codec!r}"
        )
    return allowed if settings.constrained is None else settings.constrained


def _window(settings: GenerationSettings, loaded: LoadedModel) -> int:
    """The window size in effect (0: none); only the operators format can merge windows."""
    window = settings.window
    if window is None:
        window = int(loaded.metadata.extra.get("window", 0))
    if window and loaded.metadata.codec != "operators":
        raise ValueError(f"field windows need the operators format, not {loaded.metadata.codec!r}")
    return window


def _answer(codec: Any, plan: list[tuple[int, ...]], found: list[Any]) -> tuple[list[str], int]:
    """The target over the whole field set, and how many pieces did not parse."""
    if len(plan) == 1 and plan[0] == tuple(range(len(plan[0]))):
        return found[0].tokens, 0
    from lagrangian.model.windows import merge

    decoded = [codec.decode(h.tokens, len(w)) for w, h in zip(plan, found)]
    merged = merge([(w, d.terms) for w, d in zip(plan, decoded)])
    return codec.tokens(merged), sum(len(d.errors) for d in decoded)


def complete(
    analysis: Analysis, loaded: LoadedModel, settings: GenerationSettings | None = None
) -> tuple[ModelResult, list[tuple[EngineTerm, str]]]:
    """The terms a document lacks, each with its source, and the full result."""
    from lagrangian.physics.missing import missing_terms

    (result,) = generate([analysis.model], loaded, settings)
    missing = {_key(t) for t in missing_terms(analysis)}
    return result, [(t, s) for t, s in result.engine_terms() if _key(t) in missing]


class ModelCompleter:
    """Model-backed completion for the language server.

    ``checkpoint_or_url``: a checkpoint folder (loaded in-process on first use) or an
    ``http(s)://`` model-server URL (its ``/v1/complete`` route).  ``complete`` returns the
    missing terms as (record, source) pairs, the record being the JSON contract's.
    """

    def __init__(self, checkpoint_or_url: str | Path | None = None, device: str = "auto") -> None:
        self.target = str(checkpoint_or_url) if checkpoint_or_url is not None else None
        self.device = device
        self._loaded: LoadedModel | None = None

    @property
    def remote(self) -> bool:
        return bool(self.target and self.target.startswith(("http://", "https://")))

    def loaded(self) -> LoadedModel:
        from lagrangian.model.checkpoint import DEFAULT_CHECKPOINT_DIR, load_checkpoint

        if self._loaded is None:
            self._loaded = load_checkpoint(
                self.target or DEFAULT_CHECKPOINT_DIR, device=self.device
            )
        return self._loaded

    def complete(
        self, analysis: Analysis, existing: Sequence[str] = ()
    ) -> list[tuple[dict[str, Any], str]]:
        if self.remote:
            return self._complete_remote(analysis, existing)
        _, missing = complete(analysis, self.loaded())
        return [(term.record(analysis.model, source), source) for term, source in missing]

    def _complete_remote(
        self, analysis: Analysis, existing: Sequence[str]
    ) -> list[tuple[dict[str, Any], str]]:
        import json
        import urllib.request

        from lagrangian.physics.api import declaration_text

        model = analysis.model
        body = {
            "fields": "; ".join(declaration_text(f, model) for f in model.fields),
            "terms": list(existing),
        }
        request = urllib.request.Request(
            f"{self.target.rstrip('/')}/v1/complete",  # type: ignore[union-attr]
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        return [(record, record["source"]) for record in answer["terms"]]


def document_analysis(fields: str, terms: Sequence[str]) -> Analysis:
    """Analyse declarations (``--fields`` syntax) plus written terms, for ``complete``.

    Raises ``ValueError`` with the first problem's position."""
    from lagrangian.grammar import parse_document
    from lagrangian.physics.checks import analyze
    from lagrangian.physics.fields import build_model

    lines = [d.strip() for d in fields.split(";") if d.strip()]
    if terms:
        body = [t.strip() for t in terms]
        first, rest = body[0], body[1:]
        lines.append(f"L = {first}")
        lines += [f"  {t}" if t.startswith(("+", "-")) else f"  + {t}" for t in rest]
    document = parse_document("\n".join(lines))
    for error in document.errors:
        start = error.span.start
        raise ValueError(f"line {start.line + 1}, column {start.character + 1}: {error.message}")
    _, problems = build_model(document.gauge, document.fields, document.symmetries)
    for problem in problems:
        start = problem.span.start
        raise ValueError(f"line {start.line + 1}, column {start.character + 1}: {problem.message}")
    analysis = analyze(document)
    if not analysis.model.fields:
        raise ValueError("no fields declared")
    return analysis


def fields_from_json(value: Any) -> Model:
    """The ``fields`` of a request: a declaration string or a list of field objects
    (``{"kind", "name", "representation", "helicity"?, "real"?, "flavours"?}``, as the JSON contract
    prints them).  Raises ``ValueError`` naming the problem."""
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.fields import build_model

    if isinstance(value, list):
        declarations = []
        for k, item in enumerate(value):
            if not isinstance(item, dict) or not all(
                isinstance(item.get(key), str) for key in ("kind", "name", "representation")
            ):
                raise ValueError(
                    f"'fields[{k}]' must be an object with string kind, name and representation"
                )
            tail = item.get("helicity") or ("real" if item.get("real") else "")
            flavours = item.get("flavours", 1)
            if not isinstance(flavours, int) or isinstance(flavours, bool) or flavours < 1:
                raise ValueError(f"'fields[{k}].flavours' must be a positive integer")
            tail += f" x{flavours}" if flavours > 1 else ""
            declarations.append(f"{item['kind']} {item['name']} {item['representation']} {tail}")
        value = "; ".join(declarations)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("'fields' must be a declaration string or a list of field objects")
    document = parse_declarations(value)
    for error in document.errors:
        raise ValueError(f"'fields': column {error.span.start.character + 1}: {error.message}")
    model, problems = build_model(document.gauge, document.fields, document.symmetries)
    for problem in problems:
        raise ValueError(f"'fields': column {problem.span.start.character + 1}: {problem.message}")
    if not model.fields:
        raise ValueError("'fields': no field declarations found")
    return model


def physics_routes(loaded: LoadedModel, defaults: GenerationSettings | None = None) -> list[Any]:
    """``POST /v1/generate`` (``{"fields": …}``) and ``POST /v1/complete`` (``{"fields": …,
    "terms": [term texts]}``) for the model server; bad bodies are 422s with a message,
    concurrent requests share one batched model call."""
    from lagrangian.model.codec import TokenError
    from lagrangian.model.codec.bartl import check_group
    from lagrangian.model.model_server import RequestError, Route
    from lagrangian.physics.api import declaration_text

    def body_fields(body: Any, allowed: set[str]) -> Any:
        if not isinstance(body, dict):
            raise RequestError("the request body must be a JSON object")
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise RequestError(f"unknown field(s): {', '.join(unknown)}")
        if "fields" not in body:
            raise RequestError("'fields' is required")
        return body["fields"]

    def checked(model: Model) -> Model:
        try:
            check_group(model)
        except TokenError as error:
            raise RequestError(str(error)) from None
        return model

    def validate_generate(body: Any) -> Model:
        value = body_fields(body, {"fields"})
        try:
            return checked(fields_from_json(value))
        except ValueError as error:
            raise RequestError(str(error)) from None

    def validate_complete(body: Any) -> Analysis:
        value = body_fields(body, {"fields", "terms"})
        terms = body.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise RequestError("'terms' must be a list of term strings")
        try:
            model = checked(fields_from_json(value))
            fields = "; ".join(declaration_text(f, model) for f in model.fields)
            return document_analysis(fields, terms)
        except ValueError as error:
            raise RequestError(str(error)) from None

    def handle_generate(models: list[Model]) -> list[Any]:
        return [r.payload() for r in generate(models, loaded, defaults)]

    def handle_complete(analyses: list[Analysis]) -> list[Any]:
        from lagrangian.physics.missing import missing_terms

        results = generate([a.model for a in analyses], loaded, defaults)
        return [r.payload(missing_terms(a)) for r, a in zip(results, analyses)]

    return [
        Route("/v1/generate", validate_generate, handle_generate),
        Route("/v1/complete", validate_complete, handle_complete),
    ]

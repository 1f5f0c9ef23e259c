"""``lagrangian.fitEquation``: a document's ``fit`` block handed to LLM-SR.

The search itself belongs to ``lagrangian.llmsr`` (issue 6); this module is the seam.  It
reads a ``fit NAME { data = ...; target = ...; inputs = ... }`` block, resolves relative
paths against the document's folder, and calls ``llmsr.api.fit_equation`` with a progress
callback and a cancellation check, on a worker thread.  Without the LLM-SR package the
command still exists and answers with a clear error.  Each block gets a "Fit with LLM-SR"
code lens, and its hover shows the block and the last result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lagrangian.server.lsp_commands import CommandError

if TYPE_CHECKING:
    from lsprotocol import types

    from lagrangian.grammar import ast
    from lagrangian.server.documents import Snapshot
    from lagrangian.server.lsp_settings import Settings
    from lagrangian.server.lsp_tasks import Cancellation

_PATHS = ("data", "test", "out", "resume")
_TEXT = ("target", "sigma", "describe", "llm", "benchmark")
_INTEGERS = ("budget", "seed")
KNOWN_SETTINGS = (*_PATHS, *_TEXT, "inputs", *_INTEGERS)


def fit_block(snapshot: Snapshot, name: str | None) -> ast.FitBlock:
    """The block called ``name``, or the only one."""
    fits = snapshot.document.fits
    if name is not None:
        for block in fits:
            if block.name == name:
                return block
        known = ", ".join(b.name for b in fits) or "none"
        raise CommandError(f"no fit block named {name!r} in the document (blocks: {known})")
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise CommandError('the document has no fit block, e.g. fit A0 { data = "a0.csv"; ... }')
    names = ", ".join(b.name for b in fits)
    raise CommandError(f'several fit blocks ({names}): pass {{"uri": ..., "name": "<block>"}}')


def fit_request_options(
    block: ast.FitBlock, folder: Path | None, settings: Settings
) -> dict[str, Any]:
    """The block's settings as ``FitRequest`` keyword arguments (checked, paths resolved)."""
    options: dict[str, Any] = {"llm": settings.fit_llm}
    for key, value in block.settings:
        value = value.strip().strip('"')
        if key in _PATHS:
            path = Path(value).expanduser()
            options[key] = str(path if path.is_absolute() or folder is None else folder / path)
        elif key in _TEXT:
            options[key] = value
        elif key == "inputs":
            options[key] = tuple(part.strip() for part in value.split(",") if part.strip())
        elif key in _INTEGERS:
            try:
                options[key] = int(value)
            except ValueError:
                message = f"fit {block.name}: {key} must be an integer, not {value!r}"
                raise CommandError(message) from None
        else:
            known = ", ".join(KNOWN_SETTINGS)
            raise CommandError(f"fit {block.name}: unknown setting {key!r} (known: {known})")
    return options


def run_fit(
    snapshot: Snapshot,
    name: str | None,
    settings: Settings,
    report: Callable[[str, int | None], None],
    cancel: Cancellation,
) -> dict[str, Any]:
    """Run LLM-SR on a fit block (blocking: call it on a worker thread)."""
    try:
        from lagrangian.llmsr.api import FitRequest, fit_equation
        from lagrangian.llmsr.errors import LlmsrError
    except ImportError as error:
        raise CommandError(f"LLM-SR is not available in this installation ({error})") from None
    block = fit_block(snapshot, name)
    options = fit_request_options(block, _folder(snapshot.uri), settings)

    def progress(state: Any) -> None:
        budget = max(int(getattr(state, "budget", 0)) or 1, 1)
        done = int(getattr(state, "candidates", 0))
        best = getattr(state, "best_nmse_train", None)
        quality = f", best NMSE {best:.3g}" if isinstance(best, float) else ""
        report(f"{done}/{budget} programs{quality}", 100 * done // budget)

    try:
        result = fit_equation(
            FitRequest(**options), progress=progress, should_cancel=lambda: cancel.cancelled
        )
    except LlmsrError as error:
        raise CommandError(f"fit {block.name}: {error}") from None
    return {"name": block.name, "cancelled": cancel.cancelled, **result.summary()}


def _folder(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)).parent if parsed.scheme == "file" else None


def _span_range(span: ast.Span) -> types.Range:
    from lsprotocol import types

    return types.Range(
        start=types.Position(line=span.start.line, character=span.start.character),
        end=types.Position(line=span.end.line, character=span.end.character),
    )


def code_lenses(snapshot: Snapshot, results: dict[str, dict[str, Any]]) -> list[types.CodeLens]:
    """ "Fit with LLM-SR" above every fit block, and the last result's formula beside it."""
    from lsprotocol import types

    lenses = []
    for block in snapshot.document.fits:
        if block.span is None:
            continue
        where = _span_range(block.span)
        argument = {"uri": snapshot.uri, "name": block.name}
        command = types.Command(
            title="Fit with LLM-SR", command="lagrangian.fitEquation", arguments=[argument]
        )
        lenses.append(types.CodeLens(range=where, command=command))
        last = results.get(block.name)
        if last is not None:
            title = f"last fit: {last['best']['expression']}"
            if len(title) > 80:
                title = title[:77] + "…"
            lenses.append(
                types.CodeLens(range=where, command=types.Command(title=title, command=""))
            )
    return lenses


def fit_hover(
    snapshot: Snapshot, offset: int, results: dict[str, dict[str, Any]]
) -> types.Hover | None:
    """On a fit block: its settings, and the last result with its formula in LaTeX."""
    from lsprotocol import types

    for block in snapshot.document.fits:
        span = block.span
        if span is None or not span.start.offset <= offset <= span.end.offset:
            continue
        lines = [f"**fit {block.name}** (LLM-SR)", ""]
        lines += [f"- `{key}` = {value}" for key, value in block.settings]
        last = results.get(block.name)
        if last is None:
            lines += ["", "Not fitted yet: use the code lens or `lagrangian.fitEquation`."]
        else:
            best = last["best"]
            test = best.get("nmse_test")
            lines += [
                "",
                "**Last result**",
                "",
                f"$${best['latex']}$$",
                "",
                f"`{best['expression']}`",
                "",
                f"NMSE train {best['nmse_train']:.3g}"
                + (f", held out {test:.3g}" if isinstance(test, float) else ""),
                f"; {last['candidates']} programs in {last['seconds']:.1f} s"
                + (" (cancelled)" if last.get("cancelled") else ""),
            ]
        markdown = types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n".join(lines))
        return types.Hover(contents=markdown, range=_span_range(span))
    return None


def result_text(result: dict[str, Any], syntax: str) -> str:
    """The fitted formula to insert at the cursor: LaTeX math, or a ``.lag`` comment."""
    best = result["best"]
    if syntax == "latex":
        return best["latex"]
    return f"# fit {result['name']}: {best['expression']}  (NMSE {best['nmse_train']:.3g})\n"

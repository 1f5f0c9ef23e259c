"""``lagrangian.fitEquation``: a document's ``fit`` block handed to LLM-SR.

The search itself belongs to ``lagrangian.llmsr`` (issue 6); this module is the seam.  It
reads a ``fit NAME { data = ...; target = ...; inputs = ... }`` block, resolves relative
paths against the document's folder, and calls ``llmsr.api.fit_equation`` with a progress
callback and a cancellation check, on a worker thread.  A document is text someone else
may have written, so what it may name is bounded by a ``FitScope``: for a trusted client
its files must lie in the workspace and its LLM must be the one the user's settings name;
an untrusted client names no file and no LLM at all (docs/security.md).  Without the
LLM-SR package the command still exists and answers with a clear error.  Each block gets
a "Fit with LLM-SR" code lens, and its hover shows the block and the last result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lagrangian.server.lsp.commands import CommandError

if TYPE_CHECKING:
    from lsprotocol import types

    from lagrangian.grammar import ast
    from lagrangian.server.lsp.documents import Snapshot
    from lagrangian.server.lsp.server import LagrangianServer
    from lagrangian.server.lsp.tasks import Cancellation

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


@dataclass(frozen=True)
class FitScope:
    """What a fit block may name: files (where), an LLM (which), a budget (how large).

    ``files`` is false for an untrusted client: no path at all.  Otherwise a path is
    resolved against ``folder`` (the document's) and must lie under one of ``roots``
    (the workspace folders) unless the user allowed any path.  ``llm`` is the LLM the
    user's settings (or the operator's flags) chose; a document may repeat it or ask
    for ``builtin``, nothing else.
    """

    llm: str
    folder: Path | None = None
    roots: tuple[Path, ...] = ()
    files: bool = True
    anywhere: bool = False
    budget: int | None = None


def scope_of(server: LagrangianServer, uri: str) -> FitScope:
    """The scope of a fit in document ``uri`` under the server's policy and settings."""
    settings = server.settings
    if not server.policy.trusted:
        return FitScope(llm=settings.fit_llm, files=False, budget=server.policy.limits.fit_budget)
    folder = _folder(uri)
    roots = tuple(
        path
        for path in (_folder_path(f.uri) for f in server.workspace.folders.values())
        if path is not None
    )
    if not roots and server.workspace.root_path:
        roots = (Path(server.workspace.root_path),)
    if not roots and folder is not None:
        roots = (folder,)
    return FitScope(
        llm=settings.fit_llm,
        folder=folder,
        roots=tuple(root.resolve() for root in roots),
        anywhere=settings.fit_anywhere,
    )


def fit_request_options(block: ast.FitBlock, scope: FitScope) -> dict[str, Any]:
    """The block's settings as ``FitRequest`` keyword arguments (checked, paths resolved)."""
    options: dict[str, Any] = {"llm": scope.llm}
    for key, value in block.settings:
        value = value.strip().strip('"')
        if key in _PATHS:
            options[key] = _allowed_path(block.name, key, value, scope)
        elif key == "llm":
            if value not in ("builtin", scope.llm):
                raise CommandError(
                    f"fit {block.name}: the document asks for the LLM {value!r}, but a "
                    f"document cannot choose an endpoint or a model folder; this server uses "
                    f"{scope.llm!r} (set lagrangian.fit.llm to change it)"
                )
            options[key] = value
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
    if scope.budget is not None:
        budget = options.setdefault("budget", scope.budget)
        if budget > scope.budget:
            raise CommandError(
                f"fit {block.name}: budget {budget} is above this server's limit of "
                f"{scope.budget} programs"
            )
    return options


def _allowed_path(name: str, key: str, value: str, scope: FitScope) -> str:
    """``value`` resolved, if the scope lets the document name that file."""
    if not scope.files:
        raise CommandError(
            f"fit {name}: {key} names a file on the server, which a client of this network "
            f"server may not do; fit a built-in benchmark instead (benchmark = ...)"
        )
    path = Path(value).expanduser()
    if not path.is_absolute() and scope.folder is not None:
        path = scope.folder / path
    resolved = path.resolve()
    if scope.anywhere or any(resolved.is_relative_to(root) for root in scope.roots):
        return str(resolved)
    where = ", ".join(str(root) for root in scope.roots) or "no workspace folder"
    raise CommandError(
        f"fit {name}: {key} = {value!r} is outside the workspace ({where}); set "
        f"lagrangian.fit.allowOutsideWorkspace to true to let documents name any file"
    )


def run_fit(
    snapshot: Snapshot,
    name: str | None,
    scope: FitScope,
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
    options = fit_request_options(block, scope)

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
    path = _folder_path(uri)
    return None if path is None else path.parent


def _folder_path(uri: str) -> Path | None:
    """The local path of a ``file:`` URI (None for any other scheme)."""
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


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

"""What the server's commands compute, apart from progress, threads and the connection.

``lagrangian.generateLagrangian`` renders (and, unless ``insert`` is false, writes) the
complete Lagrangian of the declared fields, or with ``source: "document"`` the document's
own terms; its result is ``{"latex", "text", "terms", "fields"}`` with the term records of
``lagrangian generate --format json``.  ``lagrangian.completeLagrangian`` appends the
missing terms.  Both take one argument object ``{"uri": ...}`` (docs/editors.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from lagrangian.server.lsp import edits as lsp_edits
from lagrangian.server.lsp.terms import document_texts, signed, written_text

if TYPE_CHECKING:
    from lagrangian.server.lsp.documents import Snapshot


class CommandError(Exception):
    """A command's arguments or document do not allow it to run; the message says why."""


@dataclass(frozen=True)
class GenerateArguments:
    uri: str
    insert: bool = True
    source: str = "engine"
    format: str | None = None


def document_uri(args: tuple[object, ...], command: str) -> str:
    """The ``uri`` of a command's first argument (an object, or the URI itself)."""
    first = args[0] if args else None
    if isinstance(first, dict) and isinstance(first.get("uri"), str):
        return first["uri"]
    if isinstance(first, str):
        return first
    raise CommandError(f'{command} needs an argument {{"uri": "<document uri>"}}')


def generate_arguments(args: tuple[object, ...]) -> GenerateArguments:
    uri = document_uri(args, "lagrangian.generateLagrangian")
    options = args[0] if args and isinstance(args[0], dict) else {}
    source = options.get("source", "engine")
    if source not in ("engine", "document"):
        raise CommandError(f'source must be "engine" or "document", not {source!r}')
    style = options.get("format")
    if style not in (None, "text", "latex"):
        raise CommandError(f'format must be "text" or "latex", not {style!r}')
    insert = options.get("insert", True)
    if not isinstance(insert, bool):
        raise CommandError(f"insert must be true or false, not {insert!r}")
    return GenerateArguments(uri=uri, insert=insert, source=source, format=style)


def generated(snapshot: Snapshot, source: str) -> dict[str, Any]:
    """The complete Lagrangian (``engine``) or the document's terms, in both forms."""
    from lagrangian.physics.api import field_record

    model = snapshot.analysis.model
    fields = [field_record(model, f) for f in model.fields] if snapshot.active else []
    if source == "document":
        records = [_written_record(snapshot, i) for i in snapshot.analysis.terms]
    else:
        records = [t.record(model) for t in snapshot.complete()]
    return {
        "latex": _joined([r["latex"] for r in records], "\\mathcal{L} = "),
        "text": _joined([r["text"] for r in records], "L = "),
        "terms": records,
        "fields": fields,
    }


def generate_edit(snapshot: Snapshot, style: str | None) -> types.TextEdit | None:
    """The complete Lagrangian, written where the document has none.

    A Lagrangian the user wrote is kept as written, with its coupling names: only the
    terms it lacks are added after it (under names it does not use yet), so running the
    command never loses or renames anything of theirs.
    """
    if not snapshot.complete():
        raise CommandError("no fields are declared, so there is no Lagrangian to generate")
    style = style or ("latex" if snapshot.syntax == "latex" else "text")
    texts = document_texts(snapshot, snapshot.missing(), style)  # type: ignore[arg-type]
    return lsp_edits.append_terms(snapshot, texts)


def complete_edit(snapshot: Snapshot) -> tuple[types.TextEdit | None, list[dict[str, Any]]]:
    """The missing terms appended, and their records."""
    if not snapshot.usable_model:
        raise CommandError("no fields are declared, so there is nothing to complete")
    missing = snapshot.missing()
    style = "latex" if snapshot.syntax == "latex" else "text"
    edit = lsp_edits.append_terms(snapshot, document_texts(snapshot, missing, style))
    return edit, [t.record(snapshot.analysis.model) for t in missing]


def _written_record(snapshot: Snapshot, info: Any) -> dict[str, Any]:
    return {
        "kind": info.kind,
        "hc": info.term.hc,
        "valid": info.valid,
        "text": written_text(snapshot.text, info.term, "text"),
        "latex": written_text(snapshot.text, info.term, "latex"),
        "source": "document",
    }


def _joined(texts: list[str], head: str) -> str:
    texts = [t for t in texts if t]
    if not texts:
        return ""
    return head + " ".join([texts[0], *(signed(t) for t in texts[1:])])

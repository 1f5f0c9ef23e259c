"""Reading documents from disk for the command line: ``.lag`` text or ``.tex`` files.

A ``.tex`` file takes its field declarations from ``% lagrangian:`` comment lines, or from a
``.lag`` file of the same name beside it.  Unreadable input becomes a ``CliError`` with one
line that names the file, never a traceback.

A document over ``MAX_DOCUMENT_BYTES`` is refused before it is read: checking costs a few
milliseconds per distinct term, so a 10 MB file would run for many minutes and take
gigabytes, while the largest real models are a few tens of kilobytes.
"""

from __future__ import annotations

from pathlib import Path

from lagrangian.grammar import ast, parse_declarations, parse_document, parse_tex
from lagrangian.physics.fields import Model, build_model
from lagrangian.server.cli.errors import CliError
from lagrangian.server.lsp.documents import Syntax, sidecar_path, syntax_of

MAX_DOCUMENT_BYTES = 1_000_000


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES and path.is_file():
            raise CliError(
                f"{path}: {size / 1e6:.1f} MB is over the {MAX_DOCUMENT_BYTES / 1e6:g} MB "
                "limit for one document; split it"
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as error:
        raise CliError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise CliError(f"{path}: {error.strerror or error}") from None


def read_document(path: Path) -> tuple[str, str, Syntax, str | None]:
    """The file's URI, text and syntax (by suffix, as the server decides it), and for LaTeX
    the text of the ``.lag`` file beside it, if there is one."""
    text = read_text(path)
    uri = path.absolute().as_uri()
    syntax = syntax_of(uri)
    sidecar = sidecar_path(uri) if syntax == "latex" else None
    side_text = read_text(sidecar) if sidecar is not None and sidecar.is_file() else None
    return uri, text, syntax, side_text


def parse_path(path: Path) -> ast.Document:
    """Parse a ``.lag`` or ``.tex`` file (by its suffix; anything else is read as ``.lag``)."""
    _, text, syntax, sidecar = read_document(path)
    return parse_tex(text, sidecar) if syntax == "latex" else parse_document(text)


def parse_fields_option(decls: str) -> ast.Document:
    """The ``--fields`` string; its first error is a usage error (exit status 2)."""
    document = parse_declarations(decls)
    for error in document.errors:
        column = error.span.start.character + 1
        raise CliError(f"--fields: column {column}: {error.message}")
    if not document.fields:
        raise CliError("--fields: no field declarations found")
    return document


def first_error(document: ast.Document, label: str) -> None:
    """Raise the first declaration-level error as a usage error (notes such as a
    ``not-checked`` ``\\dots`` in a paper's Lagrangian leave its fields usable)."""
    for error in (e for e in document.errors if e.severity == "error"):
        start = error.span.start
        raise CliError(f"{label}:{start.line + 1}:{start.character + 1}: {error.message}")


def load_model(file: Path | None, fields: str | None) -> Model:
    """The field content of ``FILE`` or ``--fields DECLS`` (exactly one), symmetries included;
    the first problem in the declarations is a usage error naming where it is."""
    if (file is None) == (fields is None):
        raise CliError("give either FILE or --fields DECLS (exactly one)")
    if fields is not None:
        document = parse_fields_option(fields)
        label = "--fields"
    else:
        assert file is not None
        document = parse_path(file)
        label = str(file)
        first_error(document, label)
    model, problems = build_model(document.gauge, document.fields, document.symmetries)
    for problem in (p for p in problems if p.severity == "error"):
        start = problem.span.start
        where = (
            f"column {start.character + 1}"
            if fields is not None
            else f"{start.line + 1}:{start.character + 1}"
        )
        raise CliError(f"{label}: {where}: {problem.message}")
    if not model.fields:
        raise CliError(f"{label}: no fields declared")
    return model

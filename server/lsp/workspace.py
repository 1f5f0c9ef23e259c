"""pygls' workspace with LSP's own line breaks.

pygls splits a document with ``str.splitlines``, which also breaks at a form feed,
U+0085, U+2028 and the other Unicode separators.  LSP counts lines at ``\\n``, ``\\r\\n``
and ``\\r`` only, so after any of those characters every incremental edit landed on the
wrong line and the term the user typed was never checked.  These classes split where
the client does; the grammar's ``LineIndex`` already does the same for positions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygls.workspace import TextDocument, Workspace

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class LspTextDocument(TextDocument):
    """A text document whose lines end only where an LSP client's lines end."""

    @property
    def lines(self) -> Sequence[str]:
        return tuple(_LINE.findall(self.source))


class LspWorkspace(Workspace):
    """A workspace that keeps its documents as ``LspTextDocument``."""

    @classmethod
    def adopt(cls, workspace: Workspace) -> LspWorkspace:
        """The same (still empty) workspace, pygls' as built at ``initialize``."""
        return cls(
            workspace.root_uri,
            workspace._sync_kind,
            list(workspace.folders.values()),
            workspace.position_encoding,
        )

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self.position_codec,
        )

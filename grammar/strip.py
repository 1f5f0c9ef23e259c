"""Syntax trees without their source spans, for comparing what was written, not where.

Two parses of the same term at different places differ only in spans; round-trip tests,
duplicate detection and the sidecar declarations of a ``.tex`` file (whose spans would
point into another file) all want the tree without them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from lagrangian.grammar.ast import Document

T = TypeVar("T")

_SPAN_FIELDS = frozenset(["span", "name_span", "hc_span"])


def strip_spans(node: T) -> T:
    """``node`` with every span set to None, recursively through tuples and lists.

    A ``Document`` keeps its ``errors`` (a diagnostic is nothing without its place) and
    loses its ``lagrangian_spans``.
    """
    return _strip(node)  # type: ignore[no-any-return]


def _strip(node: Any) -> Any:
    if isinstance(node, (tuple, list)):
        return type(node)(_strip(x) for x in node)
    if isinstance(node, Document):
        return dataclasses.replace(
            node,
            gauge=_strip(node.gauge),
            fields=_strip(node.fields),
            terms=_strip(node.terms),
            fits=_strip(node.fits),
            lagrangian_spans=[],
        )
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {
            f.name: None if f.name in _SPAN_FIELDS else _strip(getattr(node, f.name))
            for f in dataclasses.fields(node)
        }
        return dataclasses.replace(node, **changes)
    return node

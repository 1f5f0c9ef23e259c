"""Checking a document again after an edit without re-checking the terms that did not change.

Every keystroke makes a new version, but it changes one term at most; the engine's work
per term (counting invariants, evaluating contractions) is what costs.  So the result of
``physics.checks.check_term`` is kept per (field content, exact source text of the term)
and reused when the same text appears again, with its source spans moved to where the
term now is.  The cross-term checks (duplicates, hand-written conjugate pairs) and the
sorting of diagnostics run afresh on every version, exactly as ``physics.checks.analyze``
does them, so the result is the same as a full analysis.

``physics.checks.analyze`` takes the per-term step as a parameter, so this module only
supplies a caching one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any

from lagrangian.grammar import ast
from lagrangian.grammar.positions import LineIndex

if TYPE_CHECKING:
    from lagrangian.physics.checks import Analysis, TermInfo
    from lagrangian.physics.fields import Model
    from lagrangian.physics.monomials import Sampler

CACHE_SIZE = 6000


@dataclass(frozen=True)
class _Entry:
    info: TermInfo  # as check_term left it, before any cross-term check
    start: int  # the offset of the term the spans point into


class TermCache:
    """A bounded, thread-safe map from (model key, term source) to a checked term."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[object, _Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: object) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return entry

    def put(self, key: object, entry: _Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


SHARED = TermCache()


def analyze_reusing(
    document: ast.Document, text: str, lines: LineIndex, model_key: Any, cache: TermCache = SHARED
) -> Analysis:
    """``physics.checks.analyze(document)``, with unchanged terms taken from ``cache``."""
    from lagrangian.physics.checks import analyze, check_term

    keys: dict[int, Any] = {}
    seen: dict[int, int] = {}  # terms so far from each written term (sums multiply out)

    def check_cached(model: Model, term: ast.Term, sampler: Sampler) -> TermInfo:
        if term.span is None:
            return check_term(model, term, sampler)
        if id(model) not in keys:
            keys[id(model)] = model_key(model)
        start = term.span.start.offset
        ordinal = seen[start] = seen.get(start, -1) + 1
        source_key = (keys[id(model)], text[start : term.span.end.offset], term.hc, ordinal)
        entry = cache.get(source_key)
        if entry is None:
            info = check_term(model, term, sampler)
            cache.put(source_key, _Entry(_copy(info), start))
            return info
        return _moved(entry.info, term, start - entry.start, lines)

    return analyze(document, check_cached)


def _copy(info: TermInfo) -> TermInfo:
    """A copy whose diagnostics list the cross-term checks may change freely."""
    return replace(info, diagnostics=list(info.diagnostics))


def _moved(info: TermInfo, term: ast.Term, delta: int, lines: LineIndex) -> TermInfo:
    """A cached check of the same text, with every span moved by ``delta`` characters."""
    resolved = info.resolved
    moved = {
        f.name: _shift(getattr(resolved, f.name), delta, lines)
        for f in fields(resolved)
        if f.init and f.name != "term"
    }
    return replace(
        info,
        term=term,
        resolved=replace(resolved, term=term, **moved),
        diagnostics=[_shift(d, delta, lines) for d in info.diagnostics],
    )


def _shift(value: Any, delta: int, lines: LineIndex) -> Any:
    """``value`` with every ``Span`` in it moved; other values are shared, not copied."""
    if isinstance(value, ast.Span):
        return lines.span(value.start.offset + delta, value.end.offset + delta)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        items = [_shift(v, delta, lines) for v in value]
        if isinstance(value, list):
            return items
        return value if all(a is b for a, b in zip(items, value)) else type(value)(items)
    if isinstance(value, dict):
        return {k: _shift(v, delta, lines) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            if f.init:
                old = getattr(value, f.name)
                new = _shift(old, delta, lines)
                if new is not old:
                    changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value

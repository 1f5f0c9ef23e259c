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
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from lagrangian.grammar import ast
from lagrangian.grammar.piecewise import moved
from lagrangian.grammar.positions import LineIndex

if TYPE_CHECKING:
    from lagrangian.physics.checks import Analysis, TermInfo
    from lagrangian.physics.fields import Model
    from lagrangian.physics.monomials import Sampler

CACHE_SIZE = 6000


@dataclass(frozen=True)
class _Entry:
    info: TermInfo  # as check_term left it, before any cross-term check
    start: ast.Position  # where the term began that the spans point into


class TermCache:
    """A bounded, thread-safe map from (model key, term source) to a checked term."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[object, _Entry] = OrderedDict()
        self.models: dict[object, int] = {}
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def model_id(self, key: object) -> int:
        """A small number for a model key: keys hold many Fractions, slow to hash and compare
        at every lookup."""
        with self.lock:
            return self.models.setdefault(key, len(self.models))

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
            keys[id(model)] = cache.model_id(model_key(model))
        start = term.span.start.offset
        ordinal = seen[start] = seen.get(start, -1) + 1
        source_key = (keys[id(model)], text[start : term.span.end.offset], term.hc, ordinal)
        entry = cache.get(source_key)
        if entry is None:
            info = check_term(model, term, sampler)
            cache.put(source_key, _Entry(_copy(info), term.span.start))
            return info
        return _moved(entry, term, lines)

    return analyze(document, check_cached)


def _copy(info: TermInfo) -> TermInfo:
    """A copy whose diagnostics list the cross-term checks may change freely."""
    return replace(info, diagnostics=list(info.diagnostics))


def _moved(entry: _Entry, term: ast.Term, lines: LineIndex) -> TermInfo:
    """A cached check of the same text, now at ``term``'s start: shared where nothing moved
    (the same offset, line and column put every position inside at the same place), its
    spans moved otherwise."""
    info = entry.info
    assert term.span is not None  # terms without one are not cached
    if term.span.start == entry.start:
        resolved = replace(info.resolved, term=term)
        return replace(info, term=term, resolved=resolved, diagnostics=list(info.diagnostics))
    delta = term.span.start.offset - entry.start.offset
    memo: dict[int, Any] = {}
    resolved = info.resolved
    shifted = {
        f.name: moved(getattr(resolved, f.name), delta, lines, memo)
        for f in fields(resolved)
        if f.init and f.name != "term"
    }
    return replace(
        info,
        term=term,
        resolved=replace(resolved, term=term, **shifted),
        diagnostics=[moved(d, delta, lines, memo) for d in info.diagnostics],
    )

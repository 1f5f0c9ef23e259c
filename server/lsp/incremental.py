"""Checking a document again after an edit without re-checking the terms that did not change.

Every keystroke makes a new version, but it changes one term at most; the engine's work
per term (the Weyl reading, counting invariants, evaluating contractions) is what costs.
So the result of ``physics.checks.check_written`` is kept per (field content, exact source
text of the written term, its sign and ``h.c.``) and reused when the same text appears
again: as it is where the term did not move, with its spans moved (``grammar.piecewise``)
where it did.  The cross-term checks (duplicates, hand-written conjugate pairs) and the
sorting of diagnostics run afresh on every version, exactly as ``physics.checks.analyze``
does them, so the result is the same as a full analysis.

``physics.checks.analyze`` takes the per-term step as a parameter, so this module only
supplies a caching one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lagrangian.grammar import ast
from lagrangian.grammar.lru import LruCache
from lagrangian.grammar.piecewise import moved
from lagrangian.grammar.positions import LineIndex

if TYPE_CHECKING:
    from lagrangian.physics.checks import Analysis, TermInfo
    from lagrangian.physics.fields import Model
    from lagrangian.physics.monomials import Sampler

CACHE_SIZE = 6000


@dataclass(frozen=True)
class _Entry:
    infos: tuple[TermInfo, ...]  # as check_written left them, before any cross-term check
    span: ast.Span  # where the written term was that the spans point into
    hc_span: ast.Span | None


class TermCache(LruCache[object, _Entry]):
    """(model, term source) to the checks of that term."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)
        self.models: dict[object, int] = {}

    def model_id(self, key: object) -> int:
        """A small number for a model key: keys hold many Fractions, slow to hash and compare
        at every lookup."""
        with self.lock:
            return self.models.setdefault(key, len(self.models))


SHARED = TermCache()


def analyze_reusing(
    document: ast.Document, text: str, lines: LineIndex, model_key: Any, cache: TermCache = SHARED
) -> Analysis:
    """``physics.checks.analyze(document)``, with unchanged terms taken from ``cache``."""
    from lagrangian.physics.checks import analyze, check_written

    keys: dict[int, int] = {}
    seen: dict[int, int] = {}  # terms so far from each written term (sums multiply out)

    def check_cached(model: Model, term: ast.Term, sampler: Sampler) -> list[TermInfo]:
        if term.span is None:
            return check_written(model, term, sampler)
        if id(model) not in keys:
            keys[id(model)] = cache.model_id(model_key(model))
        start = term.span.start.offset
        ordinal = seen[start] = seen.get(start, -1) + 1
        mark = term.hc_span and (term.hc_span.start.offset - start, term.hc_span.end.offset - start)
        source = text[start : term.span.end.offset]
        key = (keys[id(model)], source, term.sign, term.hc, mark, ordinal)
        entry = cache.get(key)
        if entry is None:
            infos = check_written(model, term, sampler)
            cache.put(key, _Entry(tuple(map(_copy, infos)), term.span, term.hc_span))
            return infos
        return _reused(entry, term, lines)

    return analyze(document, check_cached)


def _copy(info: TermInfo) -> TermInfo:
    """A copy whose diagnostics list the cross-term checks may change freely."""
    return replace(info, diagnostics=list(info.diagnostics))


def _reused(entry: _Entry, term: ast.Term, lines: LineIndex) -> list[TermInfo]:
    """The cached checks of the same text, now where ``term`` is: shared where nothing
    moved (the same offsets, lines and columns put every position inside at the same
    place), with every span moved otherwise."""
    if term.span == entry.span and term.hc_span == entry.hc_span:
        return [_copy(info) for info in entry.infos]
    assert term.span is not None  # terms without one are not cached
    delta = term.span.start.offset - entry.span.start.offset
    memo: dict[int, Any] = {}
    return [moved(info, delta, lines, memo) for info in entry.infos]

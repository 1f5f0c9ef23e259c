"""SU(2) contraction patterns as bracket graphs, the non-crossing ones first.

Every SU(2) irrep is a symmetric tensor (a binary form), so all slots of one occurrence are
interchangeable and a contraction pattern is nothing but a multigraph on the occurrences:
how many epsilons (or deltas) join each pair.  A spin-j occurrence has 2j slots, so the
number of graphs grows like a power of j while the number of invariants grows more slowly:
four 30-plets have 465 graphs and 30 invariants.  Searching them in any order wastes most
evaluations on dependent graphs.

Kempe's classical theorem (the Rumer basis of spin chemistry) picks the invariants out: put
the occurrences on a circle; the graphs whose edges do not cross form a basis of the
invariants of binary forms, one graph per invariant (a delta is a bracket too, once its
lower index is raised with epsilon).  The patterns here use epsilons of one kind only (the
other kind is a sum of deltas), so no edge may join two occurrences of the minority index
height, and those are placed between the others on the circle.  Up to four occurrences,
which covers every renormalizable monomial, nothing of Kempe's basis is lost: with one
minority occurrence no edge is forbidden; with two, c and d on the circle a c b d, the
forbidden cd could only cross ab, and a graph using cd would need more minority indices
(c + d = a + b + 2 cd) than there are; with three the graph is a star.  With more, a few
crossing graphs may be needed.  So the graphs are yielded non-crossing first, then the
crossing ones; the exact span test of ``basis`` still decides every pattern, the order only
makes the search stop after as many evaluations as there are invariants, and the full list
is still there for a search without a known target.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lagrangian.physics.patterns import Delta, Epsilon, GroupPattern
from lagrangian.physics.tensors import Shape

Edge = tuple[int, int]  # (occurrence, occurrence), the first of the epsilon's index height
Graph = tuple[int, ...]  # multiplicity of each allowed edge


def is_binary(shapes: Sequence[Shape]) -> bool:
    """Whether every occurrence is a symmetric SU(2) tensor of one index height: then its
    slots form a single interchangeable pool and patterns are graphs."""
    return all(
        s.n == 2 and len(s.upper) + len(s.lower) <= 1 and not (s.upper and s.lower) for s in shapes
    )


def su2_patterns(shapes: Sequence[Shape]) -> Iterator[GroupPattern]:
    """Every contraction pattern of binary-form occurrences, each once: the graphs without
    crossings on ``_circle`` first, then the rest."""
    degrees = [s.slots for s in shapes]
    upper = [bool(s.upper) for s in shapes]
    excess = sum(d for d, u in zip(degrees, upper) if u) - sum(
        d for d, u in zip(degrees, upper) if not u
    )
    if excess % 2:
        return
    eps_lower = excess >= 0  # epsilons eat the upper slots, deltas join upper with lower
    major = [i for i, d in enumerate(degrees) if d and upper[i] == eps_lower]
    minor = [i for i, d in enumerate(degrees) if d and upper[i] != eps_lower]
    # Edges vertex by vertex (majority occurrences first), so that after the first
    # occurrence's edges only a triangle is left, which ``_graphs`` solves outright.
    rank = {occ: r for r, occ in enumerate(major + minor)}
    edges = [(a, b) for k, a in enumerate(major) for b in major[k + 1 :]]
    edges += [(a, c) for a in major for c in minor]
    edges.sort(key=lambda e: sorted((rank[e[0]], rank[e[1]])))
    position = {occ: p for p, occ in enumerate(_circle(major, minor))}
    crossing = [[_cross(e, f, position) for f in edges] for e in edges]
    seen: set[Graph] = set()
    for graph in _graphs(edges, degrees, crossing, planar=True):
        seen.add(graph)
        yield _pattern(edges, graph, degrees, eps_lower, set(minor))
    for graph in _graphs(edges, degrees, crossing, planar=False):
        if graph not in seen:
            yield _pattern(edges, graph, degrees, eps_lower, set(minor))


def _circle(major: list[int], minor: list[int]) -> list[int]:
    """The occurrences around the circle, minority ones spread between the others so that
    as few of them as possible are neighbours (an edge between two is not allowed)."""
    order: list[int] = []
    for k, occ in enumerate(major):
        order.append(occ)
        order.extend(minor[len(minor) * k // len(major) : len(minor) * (k + 1) // len(major)])
    return order if major else list(minor)


def _cross(e: Edge, f: Edge, position: dict[int, int]) -> bool:
    """Whether chords ``e`` and ``f`` of the circle cross (sharing an end is no crossing)."""
    a, b = sorted((position[e[0]], position[e[1]]))
    c, d = sorted((position[f[0]], position[f[1]]))
    return a < c < b < d or c < a < d < b


def _graphs(
    edges: list[Edge], degrees: list[int], crossing: list[list[bool]], planar: bool
) -> Iterator[Graph]:
    """Edge multiplicities meeting every degree exactly (larger multiplicities of earlier
    edges first); with ``planar``, no two used edges cross."""
    left = list(degrees)
    chosen: list[int] = []
    last = {v: k for k, edge in enumerate(edges) for v in edge}  # an end's last edge

    def feasible(start: int) -> bool:
        """Every remaining degree can still be met by the edges from ``start`` on."""
        reach = [0] * len(left)
        for a, b in edges[start:]:
            reach[a] += left[b]
            reach[b] += left[a]
        return all(need <= can for need, can in zip(left, reach))

    def extend(k: int) -> Iterator[Graph]:
        ends = {v for edge in edges[k:] for v in edge}
        if any(need for v, need in enumerate(left) if v not in ends):
            return
        if len(ends) <= 3:  # at most a triangle is left: its multiplicities are determined
            yield from finish(k, sorted(ends))
            return
        a, b = edges[k]
        most = min(left[a], left[b])
        if planar and any(m and crossing[k][j] for j, m in enumerate(chosen)):
            most = 0
        # An end whose last edge this is must be met by it: one multiplicity to try.
        forced = {left[v] for v in (a, b) if last[v] == k}
        if len(forced) > 1 or any(m > most for m in forced):
            return
        for m in forced or range(most, -1, -1):
            left[a] -= m
            left[b] -= m
            chosen.append(m)
            if feasible(k + 1):
                yield from extend(k + 1)
            chosen.pop()
            left[a] += m
            left[b] += m

    def finish(k: int, ends: list[int]) -> Iterator[Graph]:
        """The last edges, among at most three occurrences a, b, c: the edge ab is taken
        (need_a + need_b - need_c) / 2 times, and the edges that are not there, none."""
        rest = []
        for j, (a, b) in enumerate(edges[k:], start=k):
            third = sum(left[v] for v in ends if v not in (a, b))
            twice = left[a] + left[b] - third
            if twice < 0 or twice % 2:
                return
            if twice and planar and any(m and crossing[j][i] for i, m in enumerate(chosen)):
                return
            rest.append(twice // 2)
        met = [0] * len(left)
        for (a, b), m in zip(edges[k:], rest):
            met[a] += m
            met[b] += m
        if all(met[v] == left[v] for v in ends):
            yield (*chosen, *rest)

    yield from extend(0)


def _pattern(
    edges: list[Edge], graph: Graph, degrees: list[int], eps_lower: bool, minor: set[int]
) -> GroupPattern:
    """The graph as blocks: an epsilon per edge between majority occurrences, a delta per
    edge to a minority one, each taking its occurrences' next free slots."""
    free = [0] * len(degrees)

    def slot(occ: int, is_upper: bool) -> tuple[int, bool, int]:
        free[occ] += 1
        return (occ, is_upper, free[occ] - 1)

    epsilons: list[Epsilon] = []
    deltas: list[Delta] = []
    for (a, b), m in zip(edges, graph):
        for _ in range(m):
            if b not in minor:
                epsilons.append(Epsilon(eps_lower, (slot(a, eps_lower), slot(b, eps_lower))))
            elif eps_lower:
                deltas.append(Delta(slot(a, True), slot(b, False)))
            else:
                deltas.append(Delta(slot(b, True), slot(a, False)))
    return (*epsilons, *deltas)

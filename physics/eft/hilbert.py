"""Exact numbers of independent operators per field content: the Hilbert series.

Henning, Lu, Melia and Murayama (arXiv:1512.03433, 1706.08520) show that operators modulo
integration by parts (IBP) and the equations of motion (EOM) are counted by

    H(phi, p) = ∫ dμ_gauge dμ_Lorentz (1/P(p; x)) PE[sum_letters chi_letter] + ΔH,

where each letter's character ``chi`` sums its single-particle module (``generators``) over
derivative orders, ``PE`` is the plethystic exponential (bosons symmetric, fermions
antisymmetric), and ``1/P = det(1 - p g)|_vector = sum_k (-1)^k p^k chi(Λ^k V)`` removes total
derivatives: ``Λ^0 V = Λ^4 V = (0,0)``, ``Λ^1 V = Λ^3 V = (1/2,1/2)``,
``Λ^2 V = (1,0) + (0,1)``.  ``ΔH`` only touches operators of dimension at most four, so the
coefficients computed here are exact from dimension five on.

How one coefficient is computed, all in the representation ring of the existing engine:

* A field content ``prod_l l^{k_l}`` is one monomial of PE.  Its coefficient is, by the cycle
  index, ``prod_l (1/k_l!) sum_{σ_l} [sign] N_l^{cycles(σ_l)} prod_{cycles c} ψ^{|c|}(chi_l)``:
  the flavour space ``C^N`` only contributes its trace ``N`` per cycle (Schur-Weyl duality
  made numeric), so generations cost nothing.
* ``ψ^j`` of a product character is the product of ``ψ^j`` of the factors, and the Haar
  integral over G x SU(2)_L x SU(2)_R factorises: per cycle type the gauge part is a
  product of per-factor singlet counts (``counting.factor_singlets``, cached across
  contents) and the Lorentz part is the singlet count of
  ``(1/P) prod_c ψ^{|c|}(sum_n p^n (a+n, b+n))`` at the wanted power of ``p``.
* That Lorentz part expands into a finite sum over the derivative order ``n_c`` of each
  cycle (``sum_c |c| n_c + k = derivatives``), each term again a product of SU(2) singlet
  counts of Adams powers.  It depends only on the Lorentz labels and cycle lengths, so it is
  cached and shared by every content with the same shape (all ``psi^2 phi^2 D`` contents).

Cheap necessary conditions prune first: U(1) charges and n-alities must cancel (derivatives
and field strengths carry neither) and ``dimension - sum of letter dimensions`` must be a
non-negative integer (the number of derivatives).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from itertools import product
from math import factorial, lcm, prod

from lagrangian.physics import counting
from lagrangian.physics.characters import cycle_sign, cycle_types
from lagrangian.physics.counting import factor_singlets
from lagrangian.physics.eft.generators import Letter, letters
from lagrangian.physics.fields import Model
from lagrangian.physics.groups import GaugeGroup, SUIrrep
from lagrangian.physics.symmetries import violations

# Candidate field contents (multisets of letters within the dimension, before the charge
# tests) one request may enumerate: SMEFT at dimension 12 has 801,548 (about ten seconds);
# a larger request is refused at once rather than left to run for minutes.
CONTENT_LIMIT = 1_000_000

Content = tuple[tuple[Letter, int], ...]  # letters with their powers, sorted
Cycles = tuple[tuple[tuple[int, int], int], ...]  # ((2 j_L, 2 j_R), cycle length), sorted

# Lorentz labels of Λ^k of the vector (1/2, 1/2), with the sign (-1)^k of 1/P.
_WEDGES: tuple[tuple[int, tuple[tuple[int, int], ...]], ...] = (
    (1, ((0, 0),)),
    (-1, ((1, 1),)),
    (1, ((2, 0), (0, 2))),
    (-1, ((1, 1),)),
    (1, ((0, 0),)),
)


class EFTError(ValueError):
    """A request the operator enumeration refuses, with a one-line reason."""


@dataclass(frozen=True)
class ContentCount:
    """The independent operators of one field content with ``derivatives`` covariant
    derivatives: ``count`` of them with flavours multiplied out (hermitian conjugates are
    separate contents)."""

    content: Content
    derivatives: int
    dimension: int
    count: int


def hilbert_counts(model: Model, max_dimension: int, min_dimension: int = 5) -> list[ContentCount]:
    """Every field content with operators of dimension ``min_dimension..max_dimension``.

    ``min_dimension`` must be at least 5: below that ΔH (and the kinetic and gauge terms
    that the renormalizable Lagrangian writes explicitly) take over.
    """
    if min_dimension < 5:
        raise ValueError("the Hilbert-series coefficients are exact from dimension 5 on")
    found = []
    for content, base in contents(model, letters(model), max_dimension):
        if base.denominator != 1:  # an odd number of fermions is never a Lorentz scalar
            continue
        for dimension in range(max(min_dimension, int(base)), max_dimension + 1):
            derivatives = dimension - int(base)
            number = count_content(model.group, content, derivatives)
            if number:
                found.append(ContentCount(content, derivatives, dimension, number))
    return found


def contents(
    model: Model, alphabet: tuple[Letter, ...], max_dimension: int
) -> list[tuple[Content, Fraction]]:
    """Multisets of letters of total dimension at most ``max_dimension`` whose charges and
    n-alities cancel and which no declared discrete symmetry forbids."""
    group = model.group
    halves = [int(2 * letter.dimension) for letter in alphabet]  # phi 2, psi 3, X 4
    centre = _centre_vectors(group, alphabet)
    moduli = [n if n > 1 else 0 for n in group.ns]
    candidates = _multisets_within(halves, 2 * max_dimension)
    if candidates > CONTENT_LIMIT:
        raise EFTError(
            f"dimension {max_dimension} with {len(alphabet)} letters means {candidates:,} "
            f"candidate field contents (limit {CONTENT_LIMIT:,}); lower the dimension"
        )
    found: list[tuple[Content, Fraction]] = []

    def extend(start: int, left: int, chosen: list[tuple[int, int]], total: list[int]) -> None:
        if chosen and all((t % m == 0) if m else t == 0 for t, m in zip(total, moduli)):
            content = tuple((alphabet[i], k) for i, k in chosen)
            occurrences = [
                (letter.index, letter.conjugate)
                for letter, k in content
                if letter.index is not None
                for _ in range(k)
            ]
            if not violations(model.symmetries, occurrences):
                found.append((content, Fraction(2 * max_dimension - left, 2)))
        for i in range(start, len(alphabet)):
            for k in range(1, left // halves[i] + 1):
                shifted = [t + k * c for t, c in zip(total, centre[i])]
                extend(i + 1, left - k * halves[i], [*chosen, (i, k)], shifted)

    extend(0, 2 * max_dimension, [], [0] * len(group.ns))
    return found


def _multisets_within(sizes: list[int], budget: int) -> int:
    """Number of multisets of items of these sizes with total size at most ``budget``
    (the coefficients of prod 1/(1 - x^size), summed): what the enumeration would visit."""
    ways = [1] + [0] * budget
    for size in sizes:
        for total in range(size, budget + 1):
            ways[total] += ways[total - size]
    return sum(ways)


def _centre_vectors(group: GaugeGroup, alphabet: tuple[Letter, ...]) -> list[list[int]]:
    """Per letter and gauge factor: the n-ality for SU(n), the U(1) charge times the common
    denominator of all charges (integers keep the enumeration's inner loop cheap)."""
    charges = [g for letter in alphabet for g in letter.rep.gauge if not isinstance(g, SUIrrep)]
    scale = lcm(*(Fraction(q).denominator for q in charges)) if charges else 1
    return [
        [g.n_ality if isinstance(g, SUIrrep) else int(g * scale) for g in letter.rep.gauge]
        for letter in alphabet
    ]


def count_content(group: GaugeGroup, content: Content, derivatives: int) -> int:
    """Independent operators with exactly these letters and ``derivatives`` derivatives,
    modulo IBP and EOM, flavours multiplied (exact for total dimension >= 5)."""
    for f, n in enumerate(group.ns):  # U(1) factors: no cycle type can cancel a net charge
        if n == 1 and sum(Fraction(letter.rep.gauge[f]) * k for letter, k in content):
            return 0
    total = 0
    for types in product(*(cycle_types(k) for _, k in content)):
        weight = 1
        cycles: list[tuple[tuple[int, int], int]] = []
        for (letter, _), (cycle_type, size) in zip(content, types):
            number = sum(count for _, count in cycle_type)
            weight *= size * letter.flavours**number
            if letter.rep.fermion:
                weight *= cycle_sign(cycle_type)
            cycles.extend(
                (letter.rep.lorentz, length) for length, count in cycle_type for _ in range(count)
            )
        gauge = _gauge_singlets(group, content, types)
        if gauge:
            total += weight * gauge * lorentz_singlets(tuple(sorted(cycles)), derivatives)
    denominator = prod(factorial(k) for _, k in content)
    count, remainder = divmod(total, denominator)
    if remainder:  # pragma: no cover - would mean a broken character table
        raise ArithmeticError(f"cycle-index sum {total} not divisible by {denominator}")
    return count


def _gauge_singlets(group: GaugeGroup, content: Content, types: tuple) -> int:
    """Product over SU(n) factors of the singlets of prod_cycles ψ^{|c|}(irrep)."""
    result = 1
    for f in group.su_factors:
        key = []
        for (letter, _), (cycle_type, _) in zip(content, types):
            irrep = letter.rep.gauge[f]
            assert isinstance(irrep, SUIrrep)
            if not irrep.is_trivial:
                key.extend(
                    (irrep.dynkin, length) for length, count in cycle_type for _ in range(count)
                )
        if key:
            result *= factor_singlets(group.ns[f], tuple(sorted(key)))
            if not result:
                return 0
    return result


@cache
def lorentz_singlets(cycles: Cycles, derivatives: int) -> int:
    """Singlets of SU(2)_L x SU(2)_R in ``(1/P) prod_c ψ^{|c|}(sum_n p^n (a+n, b+n))`` at
    ``p^derivatives``: the Lorentz half of one cycle type."""
    lengths = tuple(length for _, length in cycles)
    total = 0
    for k, (sign, pieces) in enumerate(_WEDGES[: derivatives + 1]):
        for orders in _orders(lengths, derivatives - k):
            left = [((a + n,), j) for ((a, _), j), n in zip(cycles, orders) if a + n]
            right = [((b + n,), j) for ((_, b), j), n in zip(cycles, orders) if b + n]
            for p, q in pieces:
                if (sum(s[0] * j for s, j in left) + p) % 2:
                    continue
                singlets_left = factor_singlets(2, _with(left, p))
                if singlets_left:
                    total += sign * singlets_left * factor_singlets(2, _with(right, q))
    return total


def _with(key: list[tuple[tuple[int], int]], label: int) -> tuple:
    """An SU(2) Adams key with one more plain irrep (the Λ^k V piece) when it is not trivial."""
    return tuple(sorted([*key, ((label,), 1)] if label else key))


@cache
def _orders(lengths: tuple[int, ...], total: int) -> tuple[tuple[int, ...], ...]:
    """Derivative orders n_c >= 0 per cycle with ``sum_c lengths[c] * n_c == total``."""
    if not lengths:
        return ((),) if total == 0 else ()
    first, rest = lengths[0], lengths[1:]
    return tuple(
        (n, *tail) for n in range(total // first + 1) for tail in _orders(rest, total - n * first)
    )


def clear_caches() -> None:
    """Forget the Lorentz counts and the engine's (benchmarks time cold runs with this)."""
    lorentz_singlets.cache_clear()
    _orders.cache_clear()
    counting.clear_caches()

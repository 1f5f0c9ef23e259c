"""Exact number of independent invariants of a monomial of fields.

A monomial ``prod_i phi_i^{k_i}`` lives in ``(x)_i S^{k_i}(V_i)`` where ``V_i`` is the FULL
gauge x Lorentz representation of object ``i`` and ``S^k`` is ``Sym^k`` for bosons and
``Lambda^k`` for (anticommuting) fermions.  Its number of independent invariants is the
multiplicity of the trivial representation of G x SU(2)_L x SU(2)_R in that space.

How it is computed (and why it is fast):

* Cheap necessary conditions first: U(1) charges sum to zero, SU(N) n-alities sum to zero
  mod N, and ``sum 2 j_L`` and ``sum 2 j_R`` are even.  The centre of every factor acts on
  the whole monomial by one phase, so these decide most candidates without characters.
* The cycle index writes ``S^k(V)`` as ``(1/k!) sum_sigma [sign] prod_cycles psi^j(V)``,
  and ``psi^j`` of a product group character is the product of ``psi^j`` of its factor
  characters.  Each cycle-type term is therefore a product over group factors, and the
  singlet count of a product of factor characters is the product of per-factor singlet
  counts (the Haar integral over a product group factorises).  The count is a signed sum
  over cycle types of products of small per-factor counts, each cached by its multiset of
  (irrep, Adams degree) pairs, so repeated sub-problems across a Lagrangian enumeration
  cost a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, lru_cache
from itertools import product
from math import factorial, prod

from . import characters, young
from .characters import adams_irrep_character, cycle_types, product_singlets
from .groups import GaugeGroup, RepError, SUIrrep

_LORENTZ_FACTORS = 2  # SU(2)_L and SU(2)_R
MAX_COUNTED_DIM = 20000  # far above model-building use; keeps a typo from hanging a count


@dataclass(frozen=True)
class Rep:
    """Full representation of one object in a monomial.

    The object is a field, a conjugate field, a derivative or a field strength.
    """

    gauge: tuple[SUIrrep | Fraction, ...]  # SUIrrep for SU(N), Fraction charge for U(1)
    lorentz: tuple[int, int] = (0, 0)  # (2 j_L, 2 j_R)
    fermion: bool = False
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.lorentz) != 2 or any(not isinstance(x, int) or x < 0 for x in self.lorentz):
            raise RepError(
                f"Lorentz representation must be two non-negative integers (2 j_L, 2 j_R), "
                f"got {self.lorentz!r}"
            )
        # Reps key every count cache; hashing Fractions is slow, so hash once.
        object.__setattr__(self, "_hash", hash((self.gauge, self.lorentz, self.fermion)))

    def __hash__(self) -> int:
        return self._hash

    def conjugate(self) -> Rep:
        """Conjugate gauge irreps, negated charges, (j_L, j_R) -> (j_R, j_L)."""
        return _conjugate(self)


@lru_cache(maxsize=4096)
def _conjugate(rep: Rep) -> Rep:
    """Cached: checking a term asks for its conjugated fields' reps thousands of times, and
    building a Rep (conjugate irreps, negated Fractions, the hash) was a tenth of a check."""
    gauge = tuple(g.conjugate() if isinstance(g, SUIrrep) else -g for g in rep.gauge)
    return Rep(gauge, (rep.lorentz[1], rep.lorentz[0]), rep.fermion)


def count_invariants(group: GaugeGroup, parts: Sequence[tuple[Rep, int]]) -> int:
    """Number of independent invariants (gauge x Lorentz singlets) of prod_i rep_i^{k_i}.

    The k_i identical copies enter as Sym^k (bosons) or Lambda^k of the FULL gauge x Lorentz
    rep (fermions).

    Every entry of ``parts`` is a distinct object, even when two entries have equal reps
    (two Higgs doublets); a real field appearing k times is one entry with power k.
    """
    for _, power in parts:
        if not isinstance(power, int) or power < 0:
            raise RepError(f"power of a field must be a non-negative integer, got {power!r}")
    shaped = tuple(
        (rep, (1,) * power if rep.fermion else (power,)) for rep, power in parts if power
    )
    return _count(group, shaped)


def count_schur(group: GaugeGroup, parts: Sequence[tuple[Rep, tuple[int, ...]]]) -> int:
    """Invariants of ``(x)_i S_{shape_i}(rep_i)``: Schur functors of the full reps.

    The copies are treated as commuting: Grassmann signs are the caller's business (k
    fermions of one flavour are the one-column shape, which is ``Lambda^k``).  With
    ``shape = (k,)`` for bosons this is ``count_invariants``; other shapes are the pieces of
    definite permutation symmetry that flavoured fields need (see ``physics/flavour/``).
    """
    return _count(group, tuple((rep, tuple(shape)) for rep, shape in parts if sum(shape)))


@lru_cache(maxsize=65536)
def _count(group: GaugeGroup, parts: tuple[tuple[Rep, tuple[int, ...]], ...]) -> int:
    """(1/prod k_i!) sum over cycle types of prod_i |class| chi^{shape_i}(class) x singlets."""
    powers = [sum(shape) for _, shape in parts]
    for (rep, _), power in zip(parts, powers, strict=True):
        _validate(group, rep, power)
    if not _centre_allows(group, tuple(zip((rep for rep, _ in parts), powers, strict=True))):
        return 0
    # Per non-abelian factor (gauge SU(N), then SU(2)_L, SU(2)_R): (part index, n, dynkin)
    # for the parts that transform nontrivially there.
    factors: list[tuple[int, list[tuple[int, tuple[int, ...]]]]] = []
    for f in group.su_factors:
        members = [
            (i, rep.gauge[f].dynkin)
            for i, (rep, _) in enumerate(parts)
            if not rep.gauge[f].is_trivial
        ]
        factors.append((group.ns[f], members))
    for side in range(_LORENTZ_FACTORS):
        members = [
            (i, (rep.lorentz[side],)) for i, (rep, _) in enumerate(parts) if rep.lorentz[side]
        ]
        factors.append((2, members))
    factors = [(n, members) for n, members in factors if members]

    total = 0
    for types in product(*(cycle_types(power) for power in powers)):
        weight = 1
        for (_, shape), (cycle_type, size) in zip(parts, types, strict=True):
            weight *= size * young.character(shape, young.cycle_partition(cycle_type))
            if not weight:
                break
        for n, members in factors:
            if not weight:
                break
            key = tuple(
                sorted(
                    (dynkin, length)
                    for i, dynkin in members
                    for length, count in types[i][0]
                    for _ in range(count)
                )
            )
            weight *= factor_singlets(n, key)
        total += weight
    denominator = prod(factorial(power) for power in powers)
    count, remainder = divmod(total, denominator)
    if remainder:  # pragma: no cover - would mean a broken character table
        raise ArithmeticError(f"cycle-index sum {total} not divisible by {denominator}")
    return count


@cache
def factor_singlets(n: int, key: tuple[tuple[tuple[int, ...], int], ...]) -> int:
    """Singlets of SU(n) in prod psi^length(irrep) over the (dynkin, length) pairs of key."""
    return product_singlets([adams_irrep_character(n, dynkin, length) for dynkin, length in key])


def _validate(group: GaugeGroup, rep: Rep, power: int) -> None:
    if len(rep.gauge) != len(group.ns):
        raise RepError(
            f"representation has {len(rep.gauge)} gauge entries but the group "
            f"{' x '.join(group.names)} has {len(group.ns)} factors"
        )
    for name, n, entry in zip(group.names, group.ns, rep.gauge, strict=True):
        if n == 1:
            if not isinstance(entry, (Fraction, int)):
                raise RepError(f"factor {name} is U(1) and needs a charge, got {entry!r}")
        elif not isinstance(entry, SUIrrep) or entry.n != n:
            raise RepError(f"factor {name} needs an SU({n}) irrep, got {entry!r}")
        else:
            try:
                check_countable(entry)
            except RepError as error:
                raise RepError(f"factor {name}: {error}") from None


def check_countable(irrep: SUIrrep) -> None:
    """``RepError`` for an irrep too large to count with (declarations are checked early)."""
    if irrep.dim > MAX_COUNTED_DIM:
        raise RepError(
            f"irrep {irrep.name()} has dimension {irrep.dim:,}; "
            f"invariant counting supports irreps up to dimension {MAX_COUNTED_DIM:,}"
        )


def _centre_allows(group: GaugeGroup, parts: tuple[tuple[Rep, int], ...]) -> bool:
    """Necessary conditions from the centres: charges, n-alities, Lorentz spinor parity."""
    for f, n in enumerate(group.ns):
        if n == 1:
            if sum(rep.gauge[f] * power for rep, power in parts) != 0:
                return False
        elif sum(rep.gauge[f].n_ality * power for rep, power in parts) % n:
            return False
    return all(
        sum(rep.lorentz[side] * power for rep, power in parts) % 2 == 0
        for side in range(_LORENTZ_FACTORS)
    )


def clear_caches() -> None:
    """Forget every cached count and character (benchmarks measure cold runs with this)."""
    _count.cache_clear()
    _conjugate.cache_clear()
    factor_singlets.cache_clear()
    characters.clear_caches()

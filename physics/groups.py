"""Gauge groups, SU(N) irreps and their names, U(1) charges.

An SU(N) irrep is stored by its Dynkin labels ``(a_1, ..., a_{N-1})``; the Young diagram
has rows ``row_i = a_i + ... + a_{N-1}``.  U(1) charges are exact ``Fraction`` s of any size.

Naming convention (what :meth:`SUIrrep.name` prints and :func:`parse_su_irrep` reads):

* Irreps are named by their dimension.  All irreps of one dimension are grouped into
  *slots*: a self-conjugate irrep is one slot, a conjugate pair is one slot.
* Slots of equal dimension are ordered by the quadratic Casimir (equivalently the Dynkin
  index, since the dimension is fixed), smallest first, ties broken by the slot's
  unbarred Dynkin labels in descending lexicographic order.  The first slot is ``d``, the
  next ``d'``, then ``d''`` (SU(3): ``15 = (2,1)``, ``15' = (4,0)``).
* In a conjugate pair the member with the lexicographically larger Dynkin labels is
  unbarred and the other is ``dbar`` (primes first: ``15'bar``).  This gives the usual
  physics names: SU(3) ``3 = (1,0)``, ``6 = (2,0)``, ``10 = (3,0)``; SU(4) ``4 = (1,0,0)``,
  ``10 = (2,0,0)``; SU(5) ``5 = (1,0,0,0)``, ``10 = (0,1,0,0)``.
* SU(2) irreps are self-conjugate and unique per dimension: ``"1"``, ``"2"``, ``"3"``, ...

:func:`parse_su_irrep` also accepts ``-d`` for ``dbar`` (``-15'``) and explicit Dynkin
labels ``[a_1,...,a_{N-1}]`` (or with parentheses).  Irreps of SU(N>2) above a million
dimensions are named by their Dynkin labels, which parse back the same.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache
from itertools import pairwise
from typing import Literal

from .characters import partition_of, su_weights

_MAX_NAMED_DIM = 10**6  # beyond this, names are Dynkin labels (enumeration cost grows)


class RepError(ValueError):
    """Invalid group or representation; the message says what is wrong."""


@dataclass(frozen=True)
class GaugeGroup:
    """Product of SU(N) and U(1) factors, in declaration order."""

    names: tuple[str, ...]
    ns: tuple[int, ...]  # N per factor; 1 means U(1)

    def __post_init__(self) -> None:
        if len(self.names) != len(self.ns):
            raise RepError(
                f"gauge group has {len(self.names)} factor names but {len(self.ns)} ranks"
            )
        for name, n in zip(self.names, self.ns, strict=True):
            if n < 1:
                raise RepError(f"gauge factor {name!r}: N must be >= 1 (1 means U(1)), got {n}")

    @classmethod
    def standard_model(cls) -> GaugeGroup:
        return cls(("SU3", "SU2", "U1"), (3, 2, 1))

    @property
    def su_factors(self) -> tuple[int, ...]:
        """Indices of the non-abelian factors."""
        return tuple(i for i, n in enumerate(self.ns) if n > 1)


@dataclass(frozen=True, order=True)
class SUIrrep:
    """Irreducible representation of SU(n) given by its Dynkin labels."""

    n: int
    dynkin: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.n < 2:
            raise RepError(f"SU(N) needs N >= 2, got N = {self.n}")
        if len(self.dynkin) != self.n - 1:
            raise RepError(
                f"SU({self.n}) irreps have {self.n - 1} Dynkin labels, got {list(self.dynkin)}"
            )
        if any(a < 0 for a in self.dynkin):
            raise RepError(f"Dynkin labels must be >= 0, got {list(self.dynkin)}")

    @classmethod
    def from_partition(cls, n: int, partition: Sequence[int]) -> SUIrrep:
        """Irrep of the Young diagram with these row lengths (columns of height n drop out)."""
        rows = list(partition)
        if any(a < b for a, b in pairwise(rows)) or any(r < 0 for r in rows):
            raise RepError(f"Young diagram rows must be non-increasing and >= 0, got {rows}")
        if len(rows) > n:
            if any(rows[n:]):
                raise RepError(f"SU({n}) Young diagrams have at most {n} rows, got {rows}")
            rows = rows[:n]
        rows += [0] * (n - len(rows))
        return cls(n, tuple(rows[i] - rows[i + 1] for i in range(n - 1)))

    @classmethod
    def trivial(cls, n: int) -> SUIrrep:
        return cls(n, (0,) * (n - 1))

    @classmethod
    def fundamental(cls, n: int) -> SUIrrep:
        return cls(n, (1,) + (0,) * (n - 2))

    @property
    def partition(self) -> tuple[int, ...]:
        """Young diagram rows, zero rows dropped."""
        return partition_of(self.dynkin)

    @property
    def dim(self) -> int:
        return _dim(self.n, self.dynkin)

    def conjugate(self) -> SUIrrep:
        return SUIrrep(self.n, self.dynkin[::-1])

    @property
    def is_trivial(self) -> bool:
        return not any(self.dynkin)

    @property
    def is_self_conjugate(self) -> bool:
        return self.dynkin == self.dynkin[::-1]

    def reality(self) -> Literal["complex", "real", "pseudoreal"]:
        """Frobenius-Schur type.

        A self-conjugate irrep is real or pseudoreal according to the parity of
        ``<2 rho^vee, lambda> = sum_i i (n - i) a_i`` (the central element ``-1`` of the
        principal SU(2) acts on the irrep by that sign).  For self-conjugate labels the
        pairs ``a_i = a_{n-i}`` cancel mod 2, so only ``n = 2 mod 4`` with odd middle label
        is pseudoreal: SU(2) even dimensions, SU(6) ``20``.
        """
        if not self.is_self_conjugate:
            return "complex"
        height = sum((i + 1) * (self.n - 1 - i) * a for i, a in enumerate(self.dynkin))
        return "pseudoreal" if height % 2 else "real"

    @property
    def n_ality(self) -> int:
        """Number of boxes mod n (the centre Z_n acts by exp(2 pi i n_ality / n))."""
        return sum((i + 1) * a for i, a in enumerate(self.dynkin)) % self.n

    def name(self) -> str:
        """Name by the module's convention, e.g. ``"3bar"``, ``"15'"``."""
        return _name(self)

    def weights(self) -> Counter[tuple[int, ...]]:
        """Weight multiset in the Dynkin basis (a fresh copy of the cached one)."""
        return Counter(su_weights(self.n, self.dynkin))

    def __str__(self) -> str:
        return self.name()


@cache
def _dim(n: int, dynkin: tuple[int, ...]) -> int:
    """Weyl dimension formula: prod_{i<j} (a_i + ... + a_{j-1} + j - i) / (j - i)."""
    numerator = denominator = 1
    for i in range(n - 1):
        acc = 0
        for j in range(i, n - 1):
            acc += dynkin[j] + 1
            numerator *= acc
            denominator *= j - i + 1
    return numerator // denominator


def _casimir_times_n(n: int, dynkin: tuple[int, ...]) -> int:
    """n * C_2 = n * (lambda, lambda + 2 rho), with the inverse Cartan matrix of A_{n-1}."""
    total = 0
    for i, a in enumerate(dynkin, start=1):
        for j, b in enumerate(dynkin, start=1):
            total += a * (b + 2) * min(i, j) * (n - max(i, j))
    return total


def _irreps_up_to(n: int, max_dim: int) -> Iterator[tuple[int, ...]]:
    """Dynkin labels of every SU(n) irrep of dimension <= max_dim.

    The dimension strictly grows with each label, so a label stops growing as soon as
    the irrep with all later labels zero is too big.
    """

    def extend(prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if len(prefix) == n - 1:
            yield prefix
            return
        zeros = (0,) * (n - 2 - len(prefix))
        a = 0
        while _dim(n, (*prefix, a, *zeros)) <= max_dim:
            yield from extend((*prefix, a))
            a += 1

    yield from extend(())


@cache
def _slots(n: int, dim: int) -> tuple[SUIrrep, ...]:
    """Unbarred representatives of the name slots of this dimension, in naming order."""
    if n == 2:
        return (SUIrrep(2, (dim - 1,)),) if dim >= 1 else ()
    representatives = {max(d, d[::-1]) for d in _irreps_up_to(n, dim) if _dim(n, d) == dim}
    ordered = sorted(representatives, key=lambda d: (_casimir_times_n(n, d), tuple(-a for a in d)))
    return tuple(SUIrrep(n, d) for d in ordered)


@cache
def _name(irrep: SUIrrep) -> str:
    dim = irrep.dim
    if irrep.n > 2 and dim > _MAX_NAMED_DIM:
        return "[" + ",".join(map(str, irrep.dynkin)) + "]"
    unbarred = max(irrep.dynkin, irrep.dynkin[::-1])
    for primes, slot in enumerate(_slots(irrep.n, dim)):
        if slot.dynkin == unbarred:
            bar = "" if irrep.dynkin == unbarred else "bar"
            return str(dim) + "'" * primes + bar
    raise AssertionError(f"{irrep!r} missing from its dimension's slots")  # pragma: no cover


_NAME = re.compile(r"^(?P<minus>-)?(?P<dim>\d+)(?P<p1>'*)(?P<bar>bar)?(?P<p2>'*)$")
_DYNKIN = re.compile(r"^[\[(]\s*(\d+(?:\s*,\s*\d+)*)?\s*,?\s*[\])]$")


@lru_cache(maxsize=4096)
def parse_su_irrep(text: str, n: int) -> SUIrrep:
    """Read an SU(n) irrep name ("3", "-3", "3bar", "15'", "[1,1]"); RepError when invalid."""
    if n < 2:
        raise RepError(f"SU(N) needs N >= 2, got N = {n}")
    source = text.strip().replace(" ", "")
    dynkin = _DYNKIN.match(source)
    if dynkin:
        labels = tuple(int(a) for a in dynkin.group(1).split(",")) if dynkin.group(1) else ()
        if len(labels) != n - 1:
            raise RepError(
                f"SU({n}) irreps have {n - 1} Dynkin labels, got {len(labels)} in {text!r}"
            )
        return SUIrrep(n, labels)
    match = _NAME.match(source)
    if not match:
        raise RepError(
            f"cannot read SU({n}) irrep {text!r}: expected a dimension such as "
            "'3', '-3', '3bar', '15'' or Dynkin labels such as '[1,1]'"
        )
    if match["minus"] and match["bar"]:
        raise RepError(f"SU({n}) irrep {text!r} is conjugated twice ('-' and 'bar')")
    dim = int(match["dim"])
    primes = len(match["p1"]) + len(match["p2"])
    if dim == 0:
        raise RepError(f"SU({n}) has no irrep of dimension 0")
    if n > 2 and dim > _MAX_NAMED_DIM:
        raise RepError(
            f"SU({n}) irrep {text!r}: dimensions above {_MAX_NAMED_DIM} must be given "
            "as Dynkin labels"
        )
    slots = _slots(n, dim)
    if primes >= len(slots):
        raise RepError(_unknown_name_message(text, n, dim, slots))
    irrep = slots[primes]
    return irrep.conjugate() if match["minus"] or match["bar"] else irrep


def _unknown_name_message(text: str, n: int, dim: int, slots: tuple[SUIrrep, ...]) -> str:
    if slots:
        names = ", ".join(f"{s.name()} = {list(s.dynkin)}" for s in slots)
        return f"SU({n}) has no irrep named {text!r}; irreps of dimension {dim}: {names}"
    candidates = [SUIrrep(n, d) for d in _irreps_up_to(n, 2 * dim + 10)]
    dims = sorted({r.dim for r in candidates}, key=lambda d: (abs(d - dim), d))[:4]
    listing = ", ".join(
        r.name() for r in sorted(candidates, key=lambda r: (r.dim, r.name())) if r.dim in dims
    )
    return f"SU({n}) has no irrep named {text!r}; irreps near dimension {dim}: {listing}"


_CHARGE = re.compile(r"^[+-]?\d+(?:/\d+)?$")


def parse_charge(text: str) -> Fraction:
    """Read an exact U(1) charge: an integer or a fraction ("40", "-13/6", "+1", "1 / 2")."""
    source = text.strip().replace(" ", "")
    if not _CHARGE.match(source):
        raise RepError(
            f"cannot read U(1) charge {text!r}: expected an integer or a fraction like '-1/3'"
        )
    numerator, _, denominator = source.partition("/")
    if denominator and int(denominator) == 0:
        raise RepError(f"U(1) charge {text!r} divides by zero")
    return Fraction(int(numerator), int(denominator or 1))

"""Irreps, names, reality, characters and tensor-product decompositions."""

import itertools
from collections import Counter
from fractions import Fraction
from math import comb, factorial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangian.physics.characters import (
    Character,
    cycle_types,
    pack,
    product_singlets,
    unpack,
    weyl_sign,
)
from lagrangian.physics.groups import (
    GaugeGroup,
    RepError,
    SUIrrep,
    parse_charge,
    parse_su_irrep,
)


def hook_dim(n: int, partition: tuple[int, ...]) -> int:
    """Hook-content formula, independent of the Weyl formula used by SUIrrep.dim."""
    columns = (
        [sum(1 for row in partition if row > j) for j in range(partition[0])] if partition else []
    )
    numerator = denominator = 1
    for i, row in enumerate(partition):
        for j in range(row):
            numerator *= n + j - i
            denominator *= (row - j - 1) + (columns[j] - i - 1) + 1
    return numerator // denominator


dynkin_labels = st.integers(2, 6).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.integers(0, 3), min_size=n - 1, max_size=n - 1))
)


def small_irrep(n: int, labels: list[int]) -> SUIrrep:
    return SUIrrep(n, tuple(labels))


@given(dynkin_labels)
@settings(max_examples=150, deadline=None)
def test_dimension_matches_hook_formula_and_weight_count(case):
    n, labels = case
    irrep = small_irrep(n, labels)
    if irrep.dim > 3000:
        return
    assert irrep.dim == hook_dim(n, irrep.partition)
    assert sum(irrep.weights().values()) == irrep.dim
    assert SUIrrep.from_partition(n, irrep.partition) == irrep


@given(dynkin_labels)
@settings(max_examples=100, deadline=None)
def test_conjugate_negates_weights_and_ality(case):
    n, labels = case
    irrep = small_irrep(n, labels)
    if irrep.dim > 2000:
        return
    conj = irrep.conjugate()
    assert conj.conjugate() == irrep
    assert conj.dim == irrep.dim
    assert (irrep.n_ality + conj.n_ality) % n == 0
    negated = Counter({tuple(-c for c in w): m for w, m in irrep.weights().items()})
    assert conj.weights() == negated


def _all_irreps(n: int, max_dim: int) -> list[SUIrrep]:
    """Every SU(n) irrep up to max_dim, by brute force over bounded labels."""
    found = []

    def extend(prefix):
        if len(prefix) == n - 1:
            irrep = SUIrrep(n, tuple(prefix))
            if irrep.dim <= max_dim:
                found.append(irrep)
            return
        a = 0
        while SUIrrep(n, (*prefix, a) + (0,) * (n - 2 - len(prefix))).dim <= max_dim:
            extend([*prefix, a])
            a += 1

    extend([])
    return found


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7])
def test_names_round_trip_and_are_unique_up_to_dimension_1000(n):
    irreps = _all_irreps(n, 1000)
    names = [r.name() for r in irreps]
    assert len(set(names)) == len(names)
    for irrep, name in zip(irreps, names, strict=True):
        assert parse_su_irrep(name, n) == irrep
        if not name.endswith("bar"):
            assert parse_su_irrep("-" + name, n) == irrep.conjugate()


@given(st.integers(2, 8), st.integers(1, 1000))
@settings(max_examples=200, deadline=None)
def test_parse_any_dimension_is_a_valid_name_or_a_helpful_error(n, dim):
    try:
        irrep = parse_su_irrep(str(dim), n)
    except RepError as error:
        assert f"SU({n})" in str(error)
        assert "near dimension" in str(error)
    else:
        assert irrep.dim == dim
        assert irrep.name() == str(dim)


@pytest.mark.parametrize(
    ("n", "name", "dynkin"),
    [
        (3, "3", (1, 0)),
        (3, "3bar", (0, 1)),
        (3, "-3", (0, 1)),
        (3, "6", (2, 0)),
        (3, "6bar", (0, 2)),
        (3, "8", (1, 1)),
        (3, "10", (3, 0)),
        (3, "-10", (0, 3)),
        (3, "15", (2, 1)),
        (3, "15'", (4, 0)),
        (3, "15'bar", (0, 4)),
        (3, "-15'", (0, 4)),
        (3, "[2,2]", (2, 2)),
        (3, "(0, 3)", (0, 3)),
        (2, "1", (0,)),
        (2, "2", (1,)),
        (2, "3", (2,)),
        (2, "40", (39,)),
        (4, "4", (1, 0, 0)),
        (4, "6", (0, 1, 0)),
        (4, "10", (2, 0, 0)),
        (4, "15", (1, 0, 1)),
        (5, "5", (1, 0, 0, 0)),
        (5, "5bar", (0, 0, 0, 1)),
        (5, "10", (0, 1, 0, 0)),
        (5, "24", (1, 0, 0, 1)),
        (6, "20", (0, 0, 1, 0, 0)),
    ],
)
def test_standard_physics_names(n, name, dynkin):
    irrep = parse_su_irrep(name, n)
    assert irrep == SUIrrep(n, dynkin)
    canonical = name.replace("-", "") + ("bar" if name.startswith("-") else "")
    if canonical.startswith(("[", "(")):
        return
    assert irrep.name() == canonical


@pytest.mark.parametrize(
    ("text", "n", "fragment"),
    [
        ("7", 3, "irreps near dimension 7: 3, 3bar, 6, 6bar, 8"),
        ("15''", 3, "15 = [2, 1], 15' = [4, 0]"),
        ("three", 3, "expected a dimension"),
        ("[1]", 3, "2 Dynkin labels"),
        ("-3bar", 3, "conjugated twice"),
        ("0", 3, "dimension 0"),
        ("2'", 2, "irreps of dimension 2: 2"),
        ("3", 1, "N >= 2"),
    ],
)
def test_bad_irrep_names_give_helpful_errors(text, n, fragment):
    with pytest.raises(RepError) as error:
        parse_su_irrep(text, n)
    assert fragment in str(error.value)


def test_reality():
    assert parse_su_irrep("2", 2).reality() == "pseudoreal"
    assert parse_su_irrep("3", 2).reality() == "real"
    assert parse_su_irrep("4", 2).reality() == "pseudoreal"
    assert parse_su_irrep("8", 3).reality() == "real"
    assert parse_su_irrep("3", 3).reality() == "complex"
    assert parse_su_irrep("27", 3).reality() == "real"
    assert parse_su_irrep("6", 4).reality() == "real"
    assert parse_su_irrep("20", 6).reality() == "pseudoreal"
    assert parse_su_irrep("1", 5).reality() == "real"


@given(dynkin_labels)
@settings(max_examples=60, deadline=None)
def test_reality_agrees_with_the_symmetric_square(case):
    """A self-conjugate irrep is real iff Sym^2 holds the singlet (pseudoreal: Lambda^2)."""
    n, labels = case
    irrep = small_irrep(n, labels)
    if irrep.dim > 120:
        return
    chi = Character.irrep(n, irrep.dynkin)
    sym, alt = chi.sym(2).singlets(), chi.alt(2).singlets()
    expected = {"complex": (0, 0), "real": (1, 0), "pseudoreal": (0, 1)}[irrep.reality()]
    assert (sym, alt) == expected


def test_irrep_basics():
    assert SUIrrep.trivial(4).is_trivial
    assert SUIrrep.fundamental(5) == SUIrrep(5, (1, 0, 0, 0))
    assert SUIrrep.from_partition(3, (2, 1)) == SUIrrep(3, (1, 1))
    assert SUIrrep.from_partition(3, (1, 1, 1)).is_trivial
    assert SUIrrep(3, (0, 2)).partition == (2, 2)
    assert SUIrrep(3, (1, 1)).n_ality == 0
    assert SUIrrep(3, (0, 1)).n_ality == 2
    assert str(SUIrrep(3, (0, 2))) == "6bar"
    for bad in [(3, (1,)), (3, (-1, 0)), (1, ())]:
        with pytest.raises(RepError):
            SUIrrep(*bad)
    with pytest.raises(RepError, match="non-increasing"):
        SUIrrep.from_partition(3, (1, 2))
    with pytest.raises(RepError, match="at most 3 rows"):
        SUIrrep.from_partition(3, (1, 1, 1, 1))


def test_gauge_group():
    sm = GaugeGroup.standard_model()
    assert sm.names == ("SU3", "SU2", "U1")
    assert sm.su_factors == (0, 1)
    assert GaugeGroup(("U1", "SU5", "U1'"), (1, 5, 1)).su_factors == (1,)
    with pytest.raises(RepError):
        GaugeGroup(("SU3",), (3, 2))
    with pytest.raises(RepError):
        GaugeGroup(("X",), (0,))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1/2", Fraction(1, 2)),
        ("-13/6", Fraction(-13, 6)),
        ("40", Fraction(40)),
        ("0", Fraction(0)),
        ("+1", Fraction(1)),
        (" 1 / 3 ", Fraction(1, 3)),
        ("123456789012345678901", Fraction(123456789012345678901)),
    ],
)
def test_parse_charge(text, value):
    assert parse_charge(text) == value


@pytest.mark.parametrize("text", ["", "1/0", "a", "1/2/3", "0.5", "--1", "1/-2"])
def test_parse_charge_rejects_garbage(text):
    with pytest.raises(RepError):
        parse_charge(text)


def decompose(n: int, *names: str) -> Counter[str]:
    chi = Character.trivial(n)
    for name in names:
        chi = chi * Character.irrep(n, parse_su_irrep(name, n).dynkin)
    return Counter({SUIrrep(n, d).name(): m for d, m in chi.decompose().items()})


@pytest.mark.parametrize(
    ("n", "factors", "expected"),
    [
        (3, ["3", "3bar"], {"1": 1, "8": 1}),
        (3, ["3", "3"], {"6": 1, "3bar": 1}),
        (3, ["8", "8"], {"1": 1, "8": 2, "10": 1, "10bar": 1, "27": 1}),
        (3, ["3", "3", "3"], {"10": 1, "8": 2, "1": 1}),
        (3, ["6", "3"], {"10": 1, "8": 1}),
        (2, ["2", "2"], {"1": 1, "3": 1}),
        (2, ["3", "4"], {"2": 1, "4": 1, "6": 1}),
        (5, ["5", "10"], {"10bar": 1, "40": 1}),
        # Lexicographic barring: 45 = (1,0,1,0), 50 = (0,2,0,0) (Slansky bars these two).
        (5, ["10", "10"], {"5bar": 1, "45": 1, "50": 1}),
        (5, ["5bar", "10"], {"5": 1, "45bar": 1}),
        (4, ["4", "4"], {"6": 1, "10": 1}),
    ],
)
def test_tensor_products(n, factors, expected):
    assert decompose(n, *factors) == Counter(expected)


def test_symmetric_and_antisymmetric_powers():
    three = Character.irrep(3, (1, 0))
    assert three.sym(2) == Character.irrep(3, (2, 0))
    assert three.alt(2) == Character.irrep(3, (0, 1))
    assert three.alt(3) == Character.trivial(3)
    assert three.alt(4).terms == {}
    ten = Character.irrep(5, (0, 1, 0, 0))
    assert Counter({SUIrrep(5, d).name(): m for d, m in ten.sym(2).decompose().items()}) == {
        "5bar": 1,
        "50": 1,
    }
    octet = Character.irrep(3, (1, 1))
    assert octet.sym(3).singlets() == 1  # d_abc
    assert octet.alt(3).singlets() == 1  # f_abc
    assert (octet * octet * octet).singlets() == 2
    assert (octet * octet).singlets() == 1
    for k in range(1, 6):
        assert octet.sym(k).dim == comb(8 + k - 1, k)
        assert octet.alt(k).dim == comb(8, k)


def test_cycle_types_cover_the_symmetric_group():
    for k in range(7):
        assert sum(size for _, size in cycle_types(k)) == factorial(k)


@given(st.lists(st.integers(-30000, 30000), min_size=1, max_size=6))
def test_pack_is_linear_and_invertible(weight):
    other = [w // 3 - 7 for w in weight]
    assert unpack(pack(weight), len(weight)) == tuple(weight)
    summed = [a + b for a, b in zip(weight, other, strict=True)]
    assert pack(weight) + pack(other) == pack(summed)


def positive_roots(n: int) -> list[tuple[int, ...]]:
    """alpha_i + ... + alpha_j in the Dynkin basis (rows of the Cartan matrix summed)."""
    cartan = [
        [2 if i == j else -1 if abs(i - j) == 1 else 0 for j in range(n - 1)] for i in range(n - 1)
    ]
    return [
        tuple(sum(cartan[k][c] for k in range(i, j + 1)) for c in range(n - 1))
        for i in range(n - 1)
        for j in range(i, n - 1)
    ]


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_weyl_sign_is_the_expanded_weyl_denominator(n):
    """prod_{alpha>0} (1 - x^alpha) = sum_w sign(w) x^(rho - w rho), expanded by brute force."""
    denominator = Character.trivial(n)
    for root in positive_roots(n):
        denominator = denominator * (Character.trivial(n) - Character.from_weights(n, {root: 1}))
    assert len(denominator.terms) == factorial(n)
    assert {k: weyl_sign(n, k) for k in denominator.terms} == denominator.terms
    box = itertools.product(range(-n, n + 2), repeat=n - 1)
    assert sum(1 for w in box if weyl_sign(n, pack(w))) == factorial(n)


def test_singlets_for_large_rank_with_small_reps():
    """SU(10) never enumerates all of S_10: only the band the weights can reach."""
    n = 10
    fund = Character.irrep(n, SUIrrep.fundamental(n).dynkin)
    antifund = Character.irrep(n, SUIrrep.fundamental(n).conjugate().dynkin)
    assert product_singlets([fund, antifund]) == 1
    assert product_singlets([fund, fund, antifund, antifund]) == 2
    assert product_singlets([fund] * 3 + [antifund] * 3) == 6
    assert product_singlets([fund] * 3) == 0


def test_huge_irreps_are_named_by_dynkin_labels():
    huge = SUIrrep(3, (200, 200))
    assert huge.dim > 10**6
    assert huge.name() == "[200,200]"
    assert parse_su_irrep(huge.name(), 3) == huge
    with pytest.raises(RepError, match="Dynkin labels"):
        parse_su_irrep("8120601", 3)


def test_weights_returns_a_private_copy():
    octet = SUIrrep(3, (1, 1))
    octet.weights().clear()
    assert sum(octet.weights().values()) == 8

"""Complete Lagrangians of textbook models, counted term by term."""

from __future__ import annotations

from declared import kinds, make_model

from lagrangian.physics.lagrangian import complete_lagrangian
from lagrangian.physics.monomials import Occurrence


def names(model, term) -> list[tuple[str, bool]]:
    return [(model.fields[o.index].name, o.conjugate) for o in term.occurrences]


def test_standard_model(sm):
    k = kinds(sm)
    assert k["kinetic"] == 6
    assert k["gauge_kinetic"] == 3
    assert k["scalar_mass"] == 1
    assert k["quartic"] == 1
    assert k["yukawa"] == 3
    assert k["trilinear"] == k["linear"] == k["fermion_mass"] == 0
    yukawas = [t for t in complete_lagrangian(sm) if t.kind == "yukawa"]
    assert all(t.hc for t in yukawas)
    assert sorted(tuple(sorted(n for n, _ in names(sm, t))) for t in yukawas) == [
        ("H", "L", "e"),
        ("H", "Q", "d"),
        ("H", "Q", "u"),
    ]


def test_two_higgs_doublets():
    model = make_model(("scalar", "H1", "1 2 1/2"), ("scalar", "H2", "1 2 1/2"))
    k = kinds(model)
    assert k["scalar_mass"] == 3
    assert k["quartic"] == 7
    quartics = [t for t in complete_lagrangian(model) if t.kind == "quartic"]
    assert sum(not t.hc for t in quartics) == 4  # lambda1..4 real
    assert sum(t.hc for t in quartics) == 3  # lambda5, 6, 7 complex


def test_type_two_seesaw():
    model = make_model(
        ("scalar", "H", "1 2 1/2"),
        ("scalar", "Delta", "1 3 1"),
        ("fermion", "L", "1 2 -1/2", "left"),
    )
    k = kinds(model)
    assert (k["quartic"], k["trilinear"], k["yukawa"], k["scalar_mass"]) == (5, 1, 1, 2)
    (yukawa,) = [t for t in complete_lagrangian(model) if t.kind == "yukawa"]
    assert sorted(names(model, yukawa)) == [("Delta", False), ("L", False), ("L", False)]


def test_zee_babu_one_generation_has_no_h_L_L():
    model = make_model(
        ("scalar", "H", "1 2 1/2"),
        ("scalar", "h", "1 1 1"),
        ("scalar", "k", "1 1 2"),
        ("fermion", "L", "1 2 -1/2", "left"),
        ("fermion", "e", "1 1 1", "left"),
    )
    terms = complete_lagrangian(model)
    yukawas = {tuple(sorted(n for n, _ in names(model, t))) for t in terms if t.kind == "yukawa"}
    assert ("L", "L", "h") not in yukawas
    assert ("e", "e", "k") in yukawas
    # with two lepton doublets h L1 L2 is allowed
    two = make_model(
        ("scalar", "h", "1 1 1"),
        ("fermion", "L1", "1 2 -1/2", "left"),
        ("fermion", "L2", "1 2 -1/2", "left"),
    )
    pairs = {
        tuple(sorted(n for n, _ in names(two, t)))
        for t in complete_lagrangian(two)
        if t.kind == "yukawa"
    }
    assert ("L1", "L2", "h") in pairs
    assert ("L1", "L1", "h") not in pairs


def test_real_singlet_extension():
    model = make_model(("scalar", "H", "1 2 1/2"), ("scalar", "S", "1 1 0", "real"))
    k = kinds(model)
    assert k["linear"] == 1
    assert k["scalar_mass"] == 2
    assert k["trilinear"] == 2  # S^3 and S H^dagger H
    assert k["quartic"] == 3  # S^4, S^2 H^dagger H, (H^dagger H)^2
    assert not any(t.hc for t in complete_lagrangian(model) if t.kind != "kinetic")


def test_real_triplet_cubed_vanishes():
    model = make_model(("scalar", "T", "1 3 0", "real"))
    k = kinds(model)
    assert k["trilinear"] == 0
    assert k["quartic"] == 1
    assert k["scalar_mass"] == 1


def test_colour_octet_scalar():
    model = make_model(("scalar", "H", "1 2 1/2"), ("scalar", "S8", "8 2 1/2"))
    k = kinds(model)
    # Manohar-Wise: lambda (H^4) plus lambda_1..lambda_11, six of them pure S8^4; no trilinear
    assert k["scalar_mass"] == 2
    assert k["trilinear"] == 0
    assert k["quartic"] == 12
    s8 = model.fields.index(model.field("S8"))
    pure = [
        t
        for t in complete_lagrangian(model)
        if t.kind == "quartic" and all(o.index == s8 for o in t.occurrences)
    ]
    assert len(pure) == 6
    real_octet = make_model(("scalar", "G8", "8 1 0", "real"))
    assert kinds(real_octet)["trilinear"] == 1  # d_abc
    assert kinds(real_octet)["quartic"] == 1  # Tr(G^4) ~ (Tr G^2)^2 for SU(3)


def test_leptoquark_S1():
    model = make_model(
        ("scalar", "S1", "-3 1 1/3"),
        ("fermion", "Q", "3 2 1/6", "left"),
        ("fermion", "u", "-3 1 -2/3", "left"),
        ("fermion", "L", "1 2 -1/2", "left"),
        ("fermion", "e", "1 1 1", "left"),
    )
    terms = complete_lagrangian(model)
    yukawas = {tuple(sorted(n for n, _ in names(model, t))) for t in terms if t.kind == "yukawa"}
    assert ("L", "Q", "S1") in yukawas  # Q L S1
    assert ("S1", "e", "u") in yukawas  # u^c e^c S1^dagger-type
    # the diquark coupling Q Q S1^dagger survives with one generation: colour, isospin and
    # Lorentz contractions are each antisymmetric, so the product obeys Fermi statistics
    assert ("Q", "Q", "S1") in yukawas
    assert all(t.hc for t in terms if t.kind == "yukawa")


def test_majorana_masses():
    model = make_model(
        ("fermion", "N", "1 1 0", "left"),
        ("fermion", "W3", "1 3 0", "left"),
        ("fermion", "Hu", "1 2 1/2", "left"),
        ("fermion", "Hd", "1 2 -1/2", "left"),
    )
    masses = [t for t in complete_lagrangian(model) if t.kind == "fermion_mass"]
    pairs = sorted(tuple(sorted(n for n, _ in names(model, t))) for t in masses)
    assert pairs == [("Hd", "Hu"), ("N", "N"), ("W3", "W3")]


def test_right_handed_fields_give_the_same_terms_as_left_conjugates():
    left = make_model(
        ("scalar", "H", "1 2 1/2"),
        ("fermion", "L", "1 2 -1/2", "left"),
        ("fermion", "e", "1 1 1", "left"),
    )
    right = make_model(
        ("scalar", "H", "1 2 1/2"),
        ("fermion", "L", "1 2 -1/2", "left"),
        ("fermion", "eR", "1 1 -1", "right"),
    )
    assert kinds(left) == kinds(right)


def test_general_su5():
    model = make_model(
        ("scalar", "H5", "5 0"),
        ("fermion", "F", "-5 0", "left"),
        ("fermion", "T", "10 0", "left"),
        ("scalar", "Sigma", "24 0", "real"),
        gauge=(("SU5", 5), ("U1", 1)),
    )
    terms = complete_lagrangian(model)
    yukawas = {tuple(sorted(n for n, _ in names(model, t))) for t in terms if t.kind == "yukawa"}
    assert ("H5", "T", "T") in yukawas  # 10 10 5
    assert ("F", "H5", "T") in yukawas  # 10 5bar 5bar_H (H5^dagger)
    k = kinds(model)
    assert k["gauge_kinetic"] == 1  # U(1) charges all zero: only SU(5)
    assert k["trilinear"] >= 2  # Sigma^3 and H5^dagger Sigma H5


def test_occurrences_are_canonical():
    model = make_model(("scalar", "H", "1 2 1/2"))
    (mass,) = [t for t in complete_lagrangian(model) if t.kind == "scalar_mass"]
    assert mass.occurrences == (Occurrence(0, False), Occurrence(0, True))


def test_real_su2_nine_plet_with_the_higgs():
    """A real spin-4 multiplet S (a binary octavic): one cubic invariant, two quartic ones
    (I2^2 and I4), and S S H^dagger H only through the singlet of S x S.  Issue 11: this
    took 248 s when bases were found among index patterns."""
    model = make_model(("scalar", "H", "1 2 1/2"), ("scalar", "S", "1 9 0", "real"))
    terms = complete_lagrangian(model)
    quartics = [sorted(n for n, _ in names(model, t)) for t in terms if t.kind == "quartic"]
    assert sorted(quartics) == [["H", "H", "H", "H"], ["H", "H", "S", "S"]] + [["S"] * 4] * 2
    assert [names(model, t) for t in terms if t.kind == "trilinear"] == [[("S", False)] * 3]
    assert kinds(model)["scalar_mass"] == 2


def test_left_right_bidoublet():
    """Phi (2,2) under SU(2)_L x SU(2)_R.  Masses: Phi^dagger Phi and det Phi (+ h.c.).
    Quartics from Sym^2(V x W) = (3,3) + (1,1): Phi^dagger^2 Phi^2 has two invariants
    (real), Phi^4 one (Sym^4 holds only the (2,2) partition's det^2), Phi^dagger Phi^3
    one: four in all, the last two complex - the textbook lambda_1..4 of Tr(Phi^dagger Phi)^2,
    Tr(Phi~ Phi^dagger)^2, |Tr(Phi~ Phi^dagger)|^2 and Tr(Phi^dagger Phi) Tr(Phi~ Phi^dagger)."""
    model = make_model(("scalar", "Phi", "1 2 2 0"), gauge=LEFT_RIGHT)
    terms = complete_lagrangian(model)
    masses = [t for t in terms if t.kind == "scalar_mass"]
    quartics = [t for t in terms if t.kind == "quartic"]
    assert sorted(t.hc for t in masses) == [False, True]
    assert len(quartics) == 4
    assert sorted((sum(o.conjugate for o in t.occurrences), t.hc) for t in quartics) == [
        (0, True),
        (1, True),
        (2, False),
        (2, False),
    ]


LEFT_RIGHT = (("SU3", 3), ("WL", 2), ("WR", 2), ("U1", 1))


def test_kinetic_mixing_of_every_pair_of_gauged_u1_factors():
    """B_{mu nu} X^{mu nu} is gauge invariant and renormalizable for two U(1) factors: one
    real parameter per pair (Z' models), none for a U(1) without charged fields."""
    z_prime = make_model(
        ("scalar", "H", "1 2 1/2 0"),
        ("scalar", "S", "1 1 0 1"),
        gauge=(("SU3", 3), ("SU2", 2), ("U1", 1), ("X", 1)),
    )
    mixing = [t for t in complete_lagrangian(z_prime) if t.partner is not None]
    assert [(t.kind, t.strength, t.partner, t.hc) for t in mixing] == [
        ("gauge_kinetic", 2, 3, False)
    ]
    three = make_model(
        ("scalar", "S", "1 1 1 1 1"),
        ("scalar", "T", "1 1 0 1 -1"),
        gauge=(("SU3", 3), ("SU2", 2), ("U1", 1), ("X", 1), ("Y", 1)),
    )
    assert sum(t.partner is not None for t in complete_lagrangian(three)) == 3
    dark = make_model(
        ("scalar", "H", "1 2 1/2 0"), gauge=(("SU3", 3), ("SU2", 2), ("U1", 1), ("X", 1))
    )
    assert all(t.partner is None for t in complete_lagrangian(dark))

"""Term checks: every written term against the exact engine, with stable diagnostic codes.

Codes (documented in docs/diagnostics.md, relied on by scripts and the editor):
``syntax``, ``unknown-field``, ``duplicate-field``, ``bad-representation``, ``bad-index``,
``hypercharge``, ``gauge-noninvariant``, ``lorentz``, ``vanishes-by-symmetry``,
``ambiguous-contraction``, ``nonrenormalizable``, ``missing-hc``, ``redundant-hc``,
``duplicate-term``, ``linearly-dependent``, ``symmetry``, ``anomaly``, ``flavour-symmetry``;
from the reader and the declarations also ``not-checked`` and ``strength-renamed``
(information).

Each check says what is wrong in physics terms (which group has no singlet, what the charge
sum is, which identical fields make a contraction vanish) at the span of the term.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

import numpy as np

from lagrangian.grammar import ast
from lagrangian.physics import flavour
from lagrangian.physics import monomials as mono
from lagrangian.physics.anomalies import anomaly_notes
from lagrangian.physics.arithmetic import PRIMES, mul, rational, solve
from lagrangian.physics.fields import Model, build_model
from lagrangian.physics.groups import SUIrrep
from lagrangian.physics.lagrangian import canonical_monomial, monomial_kind
from lagrangian.physics.matching import basis_coordinates
from lagrangian.physics.monomials import Occurrence, Sampler
from lagrangian.physics.paper import brackets as written_brackets
from lagrangian.physics.paper import matrices
from lagrangian.physics.paper.brackets import singlets
from lagrangian.physics.paper.weyl import weyl_terms
from lagrangian.physics.patterns import Delta, Epsilon, Pattern
from lagrangian.physics.resolve import ResolvedTerm, resolve
from lagrangian.physics.symmetries import violations
from lagrangian.physics.young import diagram_text, shape_name

Severity = Literal["error", "warning", "hint"]


@dataclass
class TermInfo:
    """What the engine knows about one written term (for hover, completion and actions)."""

    term: ast.Term
    resolved: ResolvedTerm
    kind: str
    dimension: Fraction
    charges: dict[str, Fraction]
    self_conjugate: bool
    monomial: tuple[Occurrence, ...] | None = None  # canonical, for non-derivative terms
    multiplicity: int = 0  # independent invariants of that monomial
    coefficients: np.ndarray | None = None  # in the engine basis of ``monomial``
    valid: bool = True
    diagnostics: list[ast.Diagnostic] = field(default_factory=list)


@dataclass
class Analysis:
    document: ast.Document
    model: Model
    terms: list[TermInfo]
    diagnostics: list[ast.Diagnostic]


TermChecker = Callable[[Model, ast.Term, Sampler], list[TermInfo]]


def analyze(document: ast.Document, check: TermChecker | None = None) -> Analysis:
    """Check a parsed document: declarations, then every term, then the terms together.

    ``check`` replaces ``check_written`` for the per-term step (the language server passes
    one that reuses the results for terms whose text did not change).
    """
    model, diagnostics = build_model(
        document.gauge, document.fields, document.symmetries, document.couplings
    )
    if not diagnostics:  # with a broken declaration the anomaly table would mislead
        diagnostics = anomaly_notes(model)
    diagnostics = list(document.errors) + diagnostics
    sampler = Sampler(model)
    check = check or check_written
    infos = [info for term in document.terms for info in check(model, term, sampler)]
    document_checks(model, infos)
    for info in infos:
        diagnostics.extend(info.diagnostics)
    diagnostics.sort(key=lambda d: (d.span.start.offset, d.span.end.offset))
    return Analysis(document, model, infos, diagnostics)


def _diag(
    term: ast.Term, severity: Severity, code: str, message: str, span: ast.Span | None = None
) -> ast.Diagnostic:
    return ast.Diagnostic(
        span=span or term.span or _ORIGIN,
        severity=severity,
        code=code,
        message=message,
    )


_ORIGIN = ast.Span(ast.Position(0, 0, 0), ast.Position(0, 0, 0))
# Coefficients are normalised to a largest entry of 1 and accepted only with a residual
# below 1e-6 of the written vector, so they carry errors near 1e-6 at worst, while
# independent invariants written with O(1) numbers differ by O(1) singular values:
# 1e-4 separates "spanned already" from "new" with two orders of margin on each side.
_RANK_TOLERANCE = 1e-4


def check_written(model: Model, term: ast.Term, sampler: Sampler) -> list[TermInfo]:
    """The checks of a term as written: one per Weyl term it stands for (a Dirac field's
    bilinear is two)."""
    return [_check_weyl_term(model, weyl, sampler) for weyl in weyl_terms(model, term)]


def check_term(model: Model, term: ast.Term, sampler: Sampler | None = None) -> TermInfo:
    """All term-level checks; the returned info carries the diagnostics."""
    return _check_weyl_term(model, weyl_terms(model, term)[0], sampler or Sampler(model))


def _check_weyl_term(model: Model, term: ast.Term, sampler: Sampler) -> TermInfo:
    """``check_term`` of a term already in two-component form (as ``weyl_terms`` gives)."""
    r = resolve(model, term)
    occs = r.occurrences
    dimension = (
        sum((model.fields[o.index].dimension for o in occs), Fraction(0))
        + r.derivatives
        + 2 * len(r.strengths)
    )
    charges = {model.group.names[f]: total for f, total in mono.charge_sums(model, occs).items()}
    info = TermInfo(
        term=term,
        resolved=r,
        kind=_classify(model, r),
        dimension=dimension,
        charges=charges,
        self_conjugate=mono.is_self_conjugate(model, occs),
    )
    d = info.diagnostics
    for message, span in r.unknown:
        d.append(_diag(term, "error", "unknown-field", message, span))
    if r.unknown:
        # Charges and singlets without the unknown field would only add noise.
        info.valid = False
        return info
    if r.potentials:  # one error per term: the first bare gauge field
        name, span = r.potentials[0]
        d.append(
            _diag(
                term,
                "error",
                "gauge-noninvariant",
                f"{name} with one Lorentz index is the gauge field itself, and a bare gauge "
                "field is never gauge invariant: it enters through D_mu and its field "
                f"strength {name}_{{mu nu}} (a gauge-boson mass comes from "
                "(D_mu H)^dagger (D^mu H) after symmetry breaking)",
                span,
            )
        )
        info.valid = False
        return info
    if not occs and not r.strengths:
        return info
    if dimension > 4:
        d.append(
            _diag(
                term,
                "warning",
                "nonrenormalizable",
                f"mass dimension {dimension} > 4: not renormalizable",
            )
        )
    for use in r.fields:
        f = model.fields[use.occurrence.index]
        if use.derivative is False and not f.is_gauge_singlet:
            d.append(
                _diag(
                    term,
                    "warning",
                    "gauge-noninvariant",
                    f"partial derivative of the charged field {f.name} is not gauge covariant; "
                    "use D_mu",
                    use.span,
                )
            )
    # Above dimension 4 the dimension alone decides (nonrenormalizable): the group theory,
    # whose cost grows exponentially with the number of fields, is not run at all.
    renormalizable = dimension <= 4
    errors_before = sum(x.severity == "error" for x in d)
    for message, span in r.projections:
        d.append(_diag(term, "error", "lorentz", message, span))
    _check_charges(model, info)
    _check_symmetries(model, info)
    # Brackets that each close into one contraction are singlets of every factor, alone and
    # together: the group checks below could find nothing, and the invariant needs no value.
    product = (
        renormalizable
        and not r.derivatives
        and not r.strengths
        and _product_of_single_invariants(model, r)
    )
    if renormalizable and not product:
        _check_groups(model, info)
    _check_lorentz(model, info)
    if sum(x.severity == "error" for x in d) > errors_before:
        info.valid = False
        return info
    if renormalizable and not r.derivatives and not r.strengths and _fermions(model, occs) <= 2:
        _check_invariant(model, info, sampler, product)
    elif not renormalizable and not r.derivatives and not r.strengths:
        # An effective operator: no group theory, but its monomial, so that completion up
        # to a higher dimension counts it as written (one invariant of that monomial).
        info.monomial = canonical_monomial(model, occs)
    if not info.self_conjugate and not term.hc:
        info.diagnostics.append(
            _diag(
                term,
                "hint",
                "missing-hc",
                "this term is not its own hermitian conjugate: add '+ h.c.'",
            )
        )
    return info


def _classify(model: Model, r: ResolvedTerm) -> str:
    occs = r.occurrences
    if r.strengths and not occs:
        # eps^{mu nu rho sigma} F_{mu nu} F_{rho sigma}: the CP-odd theta term
        return "theta" if r.lorentz_epsilons else "gauge_kinetic"
    if r.derivatives or r.strengths:
        same = len({o.index for o in occs}) == 1 and len(occs) == 2 and not r.strengths
        fermion = same and model.fields[occs[0].index].is_fermion
        shape = (1, 1) if fermion else (2, 0)  # i psi^dagger sigma D psi, or (D phi)^dagger D phi
        return "kinetic" if same and (r.derivatives, len(r.sigmas)) == shape else "operator"
    kind = monomial_kind(model, occs)
    return kind or "operator"


def _fermions(model: Model, occs: Sequence[Occurrence]) -> int:
    return sum(model.fields[o.index].is_fermion for o in occs)


def _check_charges(model: Model, info: TermInfo) -> None:
    for name, total in info.charges.items():
        if total != 0:
            what = "hypercharge" if _HYPERCHARGE.fullmatch(name) else f"{name} charge"
            info.diagnostics.append(
                _diag(info.term, "error", "hypercharge", f"{what} sum is {total}, not 0")
            )


def _check_symmetries(model: Model, info: TermInfo) -> None:
    occs = [(o.index, o.conjugate) for o in info.resolved.occurrences]
    for reason in violations(model.symmetries, occs):
        info.diagnostics.append(
            _diag(info.term, "error", "symmetry", f"breaks the imposed symmetry: {reason}")
        )


_HYPERCHARGE = re.compile(r"U\(?1\)?(?:Y|_\{?Y\}?)?")


def _su_reps(model: Model, r: ResolvedTerm, factor: int, unit: int | None) -> list[SUIrrep]:
    reps = []
    for use in r.fields:
        if unit is None or use.unit == unit:
            irrep = mono.rep_of(model, use.occurrence).gauge[factor]
            assert isinstance(irrep, SUIrrep)
            reps.append(irrep)
    if unit is None:
        for s in r.strengths:
            if s.factor == factor:
                n = model.group.ns[factor]
                reps.append(SUIrrep(n, (1,) + (0,) * (n - 3) + (1,)) if n > 2 else SUIrrep(2, (2,)))
    return reps


def _check_groups(model: Model, info: TermInfo) -> None:
    r = info.resolved
    for f in model.group.su_factors:
        reps = [x for x in _su_reps(model, r, f, None) if not x.is_trivial]
        if reps and singlets(model.group, f, reps) == 0:
            label = model.factor_label(f)
            info.diagnostics.append(
                _diag(
                    info.term,
                    "error",
                    "gauge-noninvariant",
                    f"no {label} singlet in {' x '.join(x.name() for x in reps)}",
                )
            )
    # A parenthesised product fixes how SU(N) indices contract; its U(1) charges need only
    # cancel in the whole term, as in (H1^T eps H2)^dagger (H1^T eps H2).  A bracket that
    # closes one factor may leave another's indices to the rest of the term, when the rest
    # closes them: colour in (H^dagger R_2)(R_2^dagger H) (``physics.paper.brackets``); one that
    # closes none, (H1^dagger S), contracts nothing and stays an error.
    for unit, span in r.unit_spans.items():
        open_factors, closes_one = [], False
        for f in model.group.su_factors:
            reps = [x for x in _su_reps(model, r, f, unit) if not x.is_trivial]
            if not reps:
                continue
            if singlets(model.group, f, reps):
                closes_one = True
            else:
                open_factors.append(f)
        problems = [
            f"no {model.factor_label(f)} singlet"
            for f in open_factors
            if not (closes_one and written_brackets.closes(model, r, f))
        ]
        if problems:
            info.diagnostics.append(
                _diag(
                    info.term,
                    "error",
                    "gauge-noninvariant",
                    "parenthesised product is not a singlet on its own: " + ", ".join(problems),
                    span,
                )
            )


def _check_lorentz(model: Model, info: TermInfo) -> None:
    r = info.resolved
    if any(n != 4 for n in r.lorentz_epsilons):
        info.diagnostics.append(
            _diag(info.term, "error", "lorentz", "the Lorentz epsilon takes four indices")
        )
    counts = Counter(name for name, _ in r.vector_indices)
    for name, n in counts.items():
        if n != 2:
            info.diagnostics.append(
                _diag(
                    info.term,
                    "error",
                    "lorentz",
                    f"Lorentz index {name} appears {n} time{'s' if n != 1 else ''}; "
                    "each must be contracted exactly once",
                )
            )
    left = right = 0
    for use in r.fields:
        f = model.fields[use.occurrence.index]
        if f.is_fermion:
            is_left = (f.helicity == "left") != use.occurrence.conjugate
            left += is_left
            right += not is_left
    sigmas = len(r.sigmas)
    if (left + right) % 2:
        info.diagnostics.append(
            _diag(
                info.term,
                "error",
                "lorentz",
                f"an odd number of spinors ({left + right}) cannot form a Lorentz scalar",
            )
        )
    elif left < sigmas or right < sigmas or (left - sigmas) % 2 or (right - sigmas) % 2:
        info.diagnostics.append(
            _diag(
                info.term,
                "error",
                "lorentz",
                f"{left} left-handed and {right} right-handed spinors with {sigmas} sigma "
                "matrices cannot close into a Lorentz scalar (a left and a right spinor pair "
                "only through sigma^mu)",
            )
        )


def _check_invariant(model: Model, info: TermInfo, sampler: Sampler, product: bool) -> None:
    """Count, basis and the written contraction: vanishing, ambiguous, or which invariant.
    ``product``: the term is a product of brackets with one contraction each, among bosons
    (``_product_of_single_invariants``)."""
    r = info.resolved
    occs = r.occurrences
    total = flavour.entry_count(model, occs)
    if total == 0:
        info.valid = False
        identical = sorted({model.fields[o.index].name for o, k in Counter(occs).items() if k > 1})
        reason = (
            f"the only contraction is antisymmetric in the identical fields {', '.join(identical)}"
            if identical
            else "no invariant survives the symmetry of the fields"
        )
        info.diagnostics.append(
            _diag(
                info.term,
                "error",
                "vanishes-by-symmetry",
                f"this term vanishes identically: {reason}"
                + (" (Fermi statistics)" if _fermions(model, occs) else ""),
            )
        )
        return
    canonical = canonical_monomial(model, occs)
    info.monomial = canonical
    info.multiplicity = total
    if flavour.is_flavoured(model, occs):
        # Identical flavoured fields: which coupling symmetry is meant is not read from
        # the written contraction (each symmetry has its own engine term), only checked
        # against a ``coupling`` declaration.
        _check_flavour_symmetry(model, info)
        return
    try:
        found = _coordinates(model, r, total, sampler, product)
    except IndexProblem as problem:
        info.valid = False
        info.diagnostics.append(_diag(info.term, "error", "bad-index", str(problem)))
        return
    if found is None:
        if total > 1 and not r.explicit:
            info.diagnostics.append(
                _diag(
                    info.term,
                    "warning",
                    "ambiguous-contraction",
                    f"these fields have {total} independent invariants; group them with "
                    "parentheses or write the indices to say which one",
                )
            )
        return
    if isinstance(found, str) and found == "zero":
        info.valid = False
        info.diagnostics.append(
            _diag(
                info.term,
                "error",
                "vanishes-by-symmetry",
                "this contraction vanishes identically (an antisymmetric contraction of "
                "identical fields, or a trace of a traceless field)",
            )
        )
        return
    if isinstance(found, str):  # "noninvariant"
        info.valid = False
        info.diagnostics.append(
            _diag(
                info.term,
                "error",
                "gauge-noninvariant",
                "the written index contraction is not gauge invariant",
            )
        )
        return
    if canonical != occs:  # written as the conjugate of the engine's monomial
        info.coefficients = _conjugate_coordinates(model, r, total, sampler, product)
    else:
        info.coefficients = found


def _coordinates(
    model: Model, r: ResolvedTerm, total: int, sampler: Sampler, product: bool
) -> np.ndarray | Literal["zero", "noninvariant"] | None:
    """The written contraction in the engine basis of its monomial (the largest coordinate
    1), or that it is zero or not invariant; None where the writing does not pin one down.
    Raises ``IndexProblem`` for written indices that do not fit."""
    occs = r.occurrences  # sorted: the engine basis is of these
    if product:
        # Nothing to evaluate where one invariant exists (the written one is not zero), or
        # where the written brackets are literally one of the engine's basis elements.
        if total == 1:
            return np.ones(1)
        found = basis_coordinates(model, r, occs, mono.basis(model, occs, total))
        if found is not None:
            return found
    # Several invariants are told apart exactly in F_p (below), one by the sign of floats:
    # the written contraction is evaluated first where it is needed anyway.
    first = sampler.exact(total + 6, PRIMES[0]) if total > 1 else sampler
    written = _written_value(model, r, first)
    if written is None:
        return None
    patterns = mono.basis(model, occs, total)

    def values(at: Sampler) -> tuple[np.ndarray, np.ndarray]:
        """The written contraction and the basis at the points of ``at``."""
        vector = written if at is first else _written_value(model, r, at)
        assert vector is not None  # the same units at any points
        return vector, at.basis_values(occs, patterns)

    # One invariant has one coordinate, whose sign floats give reliably; several are lost in
    # floats once the values are products of dozens of brackets, so they are solved exactly.
    found = _exact_coordinates(values, sampler, total + 6) if total > 1 else None
    if found is None:  # one invariant, or not small fractions: floats
        found = _float_coordinates(*values(sampler))
    if isinstance(found, str):
        return found
    # One invariant: the term is it, whatever the sign of its one coordinate (a convention
    # of the basis element), as the shortcut above records it without evaluating.
    return np.ones(1) if total == 1 else found / np.max(np.abs(found))


def _conjugate_coordinates(
    model: Model, r: ResolvedTerm, total: int, sampler: Sampler, product: bool
) -> np.ndarray | None:
    """The coordinates of the written term's hermitian conjugate in the engine basis, which
    is of the conjugate monomial: ``(H2^dagger H1)(H4^dagger H3) + h.c.`` is the engine's
    ``(H1^dagger H2)(H3^dagger H4) + h.c.``, one coupling, so duplicates and missing terms
    must see the same vector.  None with fermions (their spinor order is not re-read here)."""
    if total == 1:
        return np.ones(1)
    if _fermions(model, r.occurrences):
        return None
    try:
        found = _coordinates(model, _conjugated(model, r), total, sampler, product)
    except IndexProblem:
        return None
    return None if found is None or isinstance(found, str) else found


def _conjugated(model: Model, r: ResolvedTerm) -> ResolvedTerm:
    """``r``'s hermitian conjugate: every field conjugated (its index heights swapped) and
    the order reversed, which is how a matrix product or a trace conjugates."""
    fields = [
        replace(
            use,
            occurrence=Occurrence(
                use.occurrence.index,
                not use.occurrence.conjugate and not model.fields[use.occurrence.index].real,
            ),
            upper=use.lower,
            lower=use.upper,
        )
        for use in reversed(r.fields)
    ]
    epsilons = [tuple((name, not upper) for name, upper in eps) for eps in r.epsilons]
    return replace(r, fields=fields, epsilons=epsilons)


def _exact_coordinates(
    values: Callable[[Sampler], tuple[np.ndarray, np.ndarray]], sampler: Sampler, samples: int
) -> np.ndarray | Literal["zero", "noninvariant"] | None:
    """The written contraction in the engine basis, exactly: its coefficients, or that it
    is zero, or outside the span (not gauge invariant).

    Solved in F_p and read back as fractions, which they are (the engine's own terms are
    unit vectors, λ3 − λ4 is (1, −1)).  A residue is also that of many large fractions, so
    the small one is confirmed in a second field.  None when the coefficients are not
    small fractions, or the points were unlucky: the caller asks floats.
    """
    first, second = PRIMES
    vector, matrix = values(sampler.exact(samples, first))
    if not vector.any():
        return "zero"
    try:
        solution = solve(matrix, vector, first)
    except ValueError:
        return None
    if solution is None:
        return "noninvariant"
    fractions = [rational(int(x), first) for x in solution]
    if any(f is None for f in fractions):
        return None
    coefficients = [f for f in fractions if f is not None]
    residues = np.array(
        [f.numerator * pow(f.denominator, -1, second) % second for f in coefficients]
    )
    vector, matrix = values(sampler.exact(samples, second))
    if np.any((matrix * residues % second).sum(axis=1) % second != vector):
        return None
    return np.array([float(f) for f in coefficients])


def _float_coordinates(
    vector: np.ndarray, matrix: np.ndarray
) -> np.ndarray | Literal["zero", "noninvariant"]:
    """The same in floats, with tolerances: for coefficients that are not small fractions."""
    # Values are products of many brackets, so "zero" is relative to the basis elements'.
    # Why 1e-9: an identically zero contraction leaves rounding, near 1e-16 of the terms it
    # sums over (a few orders more for products of dozens of brackets), while a non-zero one
    # at random points is typically of the order of the basis values.  Floats serve only one
    # invariant, or coefficients that are not small fractions; the rest is exact (F_p).
    if float(np.linalg.norm(vector)) < 1e-9 * float(np.max(np.linalg.norm(matrix, axis=0))):
        return "zero"
    coefficients, *_ = np.linalg.lstsq(matrix, vector, rcond=None)
    residual = float(np.linalg.norm(matrix @ coefficients - vector))
    # Safe: a vector in the span is solved to rounding (a relative residual near 1e-12 with
    # 24 points and a handful of unknowns), one outside it misses by O(1) at random points.
    if residual > 1e-6 * float(np.linalg.norm(vector)):
        return "noninvariant"
    return coefficients


def _check_flavour_symmetry(model: Model, info: TermInfo) -> None:
    """A declared coupling symmetry that no invariant of these fields has (``flavour-symmetry``),
    with the symmetries that do survive and their numbers of couplings."""
    declared = dict(model.coupling_symmetries)
    occs = info.resolved.occurrences
    names = info.resolved.coupling_bases
    comps = flavour.monomial_components(model, occs)
    for name in sorted(names & declared.keys()):
        for g, (occ, k) in enumerate(flavour.grouped(occs)):
            if k < 2 or model.fields[occ.index].flavours < 2:
                continue
            surviving: dict[str, int] = {}
            for comp in comps:
                shape = comp.shapes[g]
                key = shape_name(shape)
                surviving[key] = surviving.get(key, 0) + comp.invariants * comp.couplings
            wanted = declared[name]
            if wanted in surviving or wanted in {diagram_text(c.shapes[g]) for c in comps}:
                continue
            field = model.fields[occ.index].name + ("^dagger" if occ.conjugate else "")
            parts = [f"{key} ({n} coupling{'s' if n != 1 else ''})" for key, n in surviving.items()]
            which = " and ".join(parts) + (" parts survive" if len(parts) > 1 else " part survives")
            info.diagnostics.append(
                _diag(
                    info.term,
                    "error",
                    "flavour-symmetry",
                    f"coupling {name} is declared {wanted}, but in the flavour indices of "
                    f"{field} only the {which}",
                )
            )


def _product_of_single_invariants(model: Model, r: ResolvedTerm) -> bool:
    """Whether the written term is a product of brackets that each close into their one
    contraction, among bosons only.

    Such a product is a non-zero invariant without evaluating it: each bracket's invariant
    is a non-zero polynomial in the field components, and polynomials over a field have no
    zero divisors (anticommuting components do, hence bosons only).  Written indices,
    brackets closed by the rest of the term and matrix products are evaluated instead.
    """
    if r.explicit or _fermions(model, r.occurrences):
        return False
    return all(mono.count_contractions(model, members) == 1 for members in r.brackets().values())


def _written_value(model: Model, r: ResolvedTerm, sampler: Sampler) -> np.ndarray | None:
    """Evaluate the contraction the user wrote; None when it does not pin one down."""
    occs = tuple(u.occurrence for u in r.fields)
    if r.explicit:
        return sampler.value(occs, explicit_pattern(model, r))
    value = np.ones(sampler.batch, dtype=np.int64)
    copies = Counter(occs)  # every piece at the points of the whole term
    for unit, members in r.brackets().items():
        count = mono.count_contractions(model, members)
        if count == 0 and not _fermions(model, occs):  # a bracket closed by the rest
            chosen = written_brackets.pattern(model, r)
            return None if chosen is None else sampler.value(occs, chosen)
        if count > 1 and not _fermions(model, occs):  # H^dagger Delta Delta^dagger H, Tr Sigma^4
            found = matrices.chain(model, r, unit)
            if found is None:
                return None
            value = mul(value, sampler.value(*found, copies), sampler.modulus)
            continue
        if count != 1:
            return None
        (pattern,) = mono.basis(model, members, 1)
        value = mul(value, sampler.value(members, pattern, copies), sampler.modulus)
    return value


class IndexProblem(ValueError):
    """Written indices that do not fit the fields (reported as ``bad-index``)."""


def explicit_pattern(model: Model, r: ResolvedTerm) -> Pattern:
    """The delta/epsilon pattern spelled by written indices; ``IndexProblem`` if unreadable."""
    occs = tuple(u.occurrence for u in r.fields)
    su = model.group.su_factors
    places: dict[str, list[tuple[int, tuple[int, bool, int]]]] = {}
    for i, (use, occ_shapes) in enumerate(zip(r.fields, mono.shapes(model, occs))):
        ups, lows = list(use.upper), list(use.lower)
        want_up = sum(shape.n_upper for shape in occ_shapes)
        want_low = sum(shape.slots - shape.n_upper for shape in occ_shapes)
        if len(ups) != want_up or len(lows) != want_low:
            name = model.fields[use.occurrence.index].name + (
                "^dagger" if use.occurrence.conjugate else ""
            )
            raise IndexProblem(
                f"{name} carries {want_up} upper and {want_low} lower gauge indices, "
                f"but {len(ups)} upper and {len(lows)} lower are written"
            )
        for position, shape in enumerate(occ_shapes):
            for p in range(shape.n_upper):
                places.setdefault(ups.pop(0), []).append((position, (i, True, p)))
            for p in range(shape.slots - shape.n_upper):
                places.setdefault(lows.pop(0), []).append((position, (i, False, p)))
    blocks: list[list[Delta | Epsilon]] = [[] for _ in su]
    used: set[str] = set()
    for eps in r.epsilons:
        slots, positions = [], set()
        for name, upper in eps:
            matches = [(pos, slot) for pos, slot in places.get(name, []) if slot[1] != upper]
            if len(matches) != 1 or len(places.get(name, [])) != 1:
                raise IndexProblem(
                    f"epsilon index {name} must meet exactly one field index of opposite height"
                )
            positions.add(matches[0][0])
            slots.append(matches[0][1])
            used.add(name)
        if len(positions) != 1:
            raise IndexProblem("an epsilon joins indices of different gauge groups")
        position = positions.pop()
        n = model.group.ns[su[position]]
        if len(eps) != n:
            raise IndexProblem(f"an SU({n}) epsilon takes {n} indices, not {len(eps)}")
        blocks[position].append(Epsilon(not eps[0][1], tuple(slots)))
    for name, where in places.items():
        if name in used:
            continue
        if len(where) != 2:
            raise IndexProblem(f"index {name} appears {len(where)} time(s); it must appear twice")
        (pa, a), (pb, b) = where
        if pa != pb:
            raise IndexProblem(f"index {name} joins indices of different gauge groups")
        if a[1] == b[1]:
            height = "upper" if a[1] else "lower"
            raise IndexProblem(
                f"index {name} is {height} twice; contract an upper with a lower index, or use eps"
            )
        blocks[pa].append(Delta(a, b) if a[1] else Delta(b, a))
    return tuple(tuple(b) for b in blocks)


def document_checks(model: Model, infos: list[TermInfo]) -> None:
    """Duplicates, and conjugate pairs written out by hand (which need no ``+ h.c.``)."""
    _redundant_hc(infos)
    seen: dict[object, TermInfo] = {}
    spans: dict[tuple, list[TermInfo]] = {}
    occurrence_sets = {tuple(sorted(i.resolved.occurrences)) for i in infos if i.valid}
    for info in infos:
        if not info.valid:
            continue
        occs = tuple(sorted(info.resolved.occurrences))
        if not info.term.hc and not info.self_conjugate:
            partner = mono.conjugate(model, occs)
            if partner in occurrence_sets:
                info.diagnostics = [x for x in info.diagnostics if x.code != "missing-hc"]
        key = _duplicate_key(model, info)
        if key is None:
            continue
        if key in seen and _written_apart(seen[key], info):
            continue
        if key not in seen:
            _warn_if_dependent(info, spans)
        if key in seen:
            info.diagnostics.append(
                _diag(
                    info.term,
                    "warning",
                    "duplicate-term",
                    "the same invariant is already written"
                    + (
                        f" at line {seen[key].term.span.start.line + 1}"
                        if seen[key].term.span
                        else ""
                    ),
                )
            )
        else:
            seen[key] = info


def _warn_if_dependent(info: TermInfo, spans: dict[tuple, list[TermInfo]]) -> None:
    """``linearly-dependent`` for a new invariant that earlier terms already span.

    Writing λ3 and λ4 of the 2HDM and then λ3 − λ4 in index form adds no coupling: the
    third term is a combination of the first two, a parameter counted twice.
    """
    if info.monomial is None or info.multiplicity < 2 or info.coefficients is None:
        return
    earlier = spans.setdefault(info.monomial, [])
    vectors = [e.coefficients for e in earlier]
    if vectors:
        rank = np.linalg.matrix_rank(np.array(vectors), tol=_RANK_TOLERANCE)
        stacked = np.array([*vectors, info.coefficients])
        if np.linalg.matrix_rank(stacked, tol=_RANK_TOLERANCE) == rank:
            lines = ", ".join(
                str(line)
                for line in sorted({e.term.span.start.line + 1 for e in earlier if e.term.span})
            )
            info.diagnostics.append(
                _diag(
                    info.term,
                    "warning",
                    "linearly-dependent",
                    f"this invariant is a combination of the terms at line(s) {lines}: "
                    f"it adds no independent coupling ({info.multiplicity} invariants exist)",
                )
            )
            return
    earlier.append(info)


def _written_apart(first: TermInfo, second: TermInfo) -> bool:
    """Two terms of one invariant that are not a duplicate: pieces of one written term
    (``(|\\mu|^2 + m^2) H^\\dagger H``, ``m (\\Phi_1^\\dagger\\Phi_2 + \\Phi_2^\\dagger\\Phi_1)``),
    or a term and its conjugate written out (``\\lambda_7 ... + \\lambda_7^* ...``)."""
    if first.term.span is not None and first.term.span == second.term.span:
        return True
    mine, theirs = first.resolved.occurrences, second.resolved.occurrences
    return mine != theirs and not (first.term.hc or second.term.hc)


def _redundant_hc(infos: list[TermInfo]) -> None:
    """A hint where an ``h.c.`` covers only self-conjugate terms: it doubles them.

    An ``h.c.`` that also covers terms needing it is how papers write a line of kinetic
    terms and Yukawas ending in ``+ h.c.``; the self-conjugate ones are understood to be
    exempt, so they get no hint.  Nor when a covered term has an error: it may well be the
    one the ``h.c.`` is for (a ``mu H^dagger eta`` that breaks a Z2).  One hint per
    ``h.c.``, at it, however many terms it covers.
    """
    marks: dict[int, list[TermInfo]] = {}
    for info in infos:
        if info.term.hc and info.term.hc_span is not None:
            marks.setdefault(info.term.hc_span.start.offset, []).append(info)
    for covered in marks.values():
        if not all(
            i.valid and i.self_conjugate and (i.resolved.fields or i.resolved.strengths)
            for i in covered
        ):
            continue
        message = (
            "this term is its own hermitian conjugate: the 'h.c.' that covers it doubles it"
            if len(covered) == 1
            else f"the {len(covered)} terms this 'h.c.' covers are each their own hermitian "
            "conjugate: it doubles them"
        )
        first = covered[0]
        first.diagnostics.append(
            _diag(first.term, "hint", "redundant-hc", message, first.term.hc_span)
        )


def _duplicate_key(model: Model, info: TermInfo) -> object | None:
    r = info.resolved
    if info.kind == "kinetic":
        return ("kinetic", r.occurrences[0].index)
    if info.kind in ("gauge_kinetic", "theta"):
        return (info.kind, tuple(sorted(s.factor for s in r.strengths)))
    if info.monomial is None:
        return None
    if info.multiplicity == 1:
        return ("monomial", info.monomial)
    if info.coefficients is None:
        return None
    # Exact coordinates (small fractions, the common case) are equal floats for equal
    # invariants; float ones agree far below 1e-6.  Rounding can only split two values that
    # straddle a rounding boundary: a duplicate missed, never one reported falsely.
    rounded = tuple(np.round(info.coefficients, 6) + 0.0)
    return ("monomial", info.monomial, rounded)

"""The built-in proposer: a search over expressions, no language model needed.

It stands in for the LLM so the feature works offline and in tests, and it must search, not
recall: it knows no law.  A program's return value is read as a sum of terms, and each
reply is one of three kinds of step from the better prompt program:

* a forward-family step: the program plus the next untried product of input leaves
  (``basis.Basis``: x², 1/x, cos 2φ, sin θ … of single inputs and their products,
  simplest first).  The fit solves every coefficient by least squares, so a useful term
  lowers the loss at once, and the search walks up to a linear combination of basis
  functions (a polynomial, a harmonic expansion) one term at a time.  Or one of the
  program's products moved one leaf away (an exchange), or the whole sum put over a
  common denominator 1 + b·g.  Steps are remembered across prompts, so islands never
  retry a child another island already tried;
* a power law: a term c·x1^a·x2^b… over the positive inputs with fitted exponents;
* a genetic edit: add, replace, drop or multiply terms, make a term rational
  (t / (1 + c·g)), wrap it as t·(1 + c·g)^q or t·exp(c·g) with fitted c and q, graft a
  random sub-expression onto an input, or cross the two prompt programs over.  New
  material is a random expression tree of generic primitives (leaves, fitted constants,
  integer powers, sqrt, exp, log, tanh, sin, cos, 1/x and the four operations).

No composite template of a known law is ever handed out.  New constants are
``params[k]``; indices are renumbered after every edit and edits that need more than
``MAX_NPARAMS`` constants are discarded.
"""

from __future__ import annotations

import ast
import copy
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from ..basis import Basis, leaves
from ..expressions import (
    as_expression,
    numerator_terms,
    over,
    param_index,
    renumber,
    sum_of,
    terms_of,
)
from ..prompts import Prompt
from ..spec import InputVariable, Specification
from .protocol import BackendStats

_NEW = 1000  # temporary indices of fresh parameters, renumbered after each edit
_ATTEMPTS = 30

# Unary primitives, applied to any sub-expression ({a}); generic for every input kind.
_UNARY = ("({a})**2", "({a})**3", "np.sqrt(np.abs({a}))", "np.exp({a})", "np.log(np.abs({a}))",
          "1/({a})", "np.sin({a})", "np.cos({a})", "np.tanh({a})")  # fmt: skip
_FORWARD = 0.45  # share of replies that are forward steps...
_FROM_ELITE = 0.6  # ...and of those, the share from the best program of all prompts so far
_EXCHANGE = 0.3  # share of those steps that move one term to a neighbour instead of adding...
_DENOMINATOR = 0.15  # ...and that put the program over a common denominator
_DENOMINATOR_GAIN = 0.5  # a program over a denominator becomes the elite at half its loss
_CURSOR = "/"  # key of the denominator steps' library cursor (no parent's dump looks like it)
_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_MAX_DEPTH = 3


class _Fresh:
    """Hands out fresh temporary parameter indices while one edit is built."""

    def __init__(self) -> None:
        self.next = _NEW

    def __call__(self) -> str:
        self.next += 1
        return f"params[{self.next}]"


def _parse(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


class BuiltinProposer:
    """Mutation and crossover of prompt programs over a physics-aware primitive set."""

    name = "builtin"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.stats = BackendStats()
        self._seen: set[str] = set()
        self._library: Basis | None = None
        self._exchanged: dict[str, int] = {}
        self._next: dict[str, int] = {}
        self._start: dict[str, int] = {}
        self._elite: tuple[float, ast.expr, tuple[float, ...]] | None = None

    def close(self) -> None:
        """Nothing to release."""

    def state(self) -> dict[str, Any]:
        """What the proposer remembers across prompts, for a saved run to resume exactly."""
        elite = None
        if self._elite is not None:
            elite = [self._elite[0], ast.unparse(self._elite[1]), list(self._elite[2])]
        return {
            "seen": sorted(self._seen),
            "next": self._next,
            "start": self._start,
            "exchanged": self._exchanged,
            "elite": elite,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self._seen = set(state.get("seen", ()))
        self._next = {str(k): int(v) for k, v in state.get("next", {}).items()}
        self._start = {str(k): int(v) for k, v in state.get("start", {}).items()}
        self._exchanged = {str(k): int(v) for k, v in state.get("exchanged", {}).items()}
        elite = state.get("elite")
        self._elite = None
        if elite is not None:
            params = tuple(float(v) for v in (elite[2] if len(elite) > 2 else ()))
            self._elite = (float(elite[0]), _parse(str(elite[1])), params)

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        rng = np.random.default_rng([self.seed, prompt.serial, 7])
        pairs = [(as_expression(p.body), tuple(p.params)) for p in prompt.parents]
        known = [e for e, _ in pairs if e is not None]
        known_params = [f for e, f in pairs if e is not None]
        skeleton = as_expression(prompt.spec.skeleton)
        if not known and skeleton is not None:
            known, known_params = [skeleton], [()]
        self.stats.requests += 1
        replies: list[str] = []
        self._seen.update(ast.dump(renumber(p)[0]) for p in known)
        for parent in prompt.parents:
            expression = as_expression(parent.body)
            if expression is not None and self._beats_elite(parent.score, expression):
                self._elite = (parent.score, expression, tuple(parent.params))
        for _ in range(n):
            for _ in range(_ATTEMPTS):
                if rng.random() < _FORWARD:
                    elite = self._elite is not None and rng.random() < _FROM_ELITE
                    if elite and self._elite is not None:
                        base, fitted = self._elite[1], self._elite[2]
                    else:
                        base, fitted = known[-1], known_params[-1]
                    kind = rng.random()
                    if kind < _EXCHANGE:
                        candidate = self._exchange(prompt.spec, base)
                    elif kind < _EXCHANGE + _DENOMINATOR:
                        candidate = self._denominator(prompt.spec, base, fitted, rng)
                    else:
                        candidate = self._forward(prompt.spec, base, fitted, rng)
                else:
                    candidate = self._edit(prompt.spec, known, rng)
                if candidate is None:
                    continue
                key = ast.dump(candidate)
                if key not in self._seen:
                    self._seen.add(key)
                    replies.append(self._render(prompt.spec, candidate, len(prompt.parents)))
                    break
        self.stats.replies += len(replies)
        return replies

    def _beats_elite(self, score: float, expression: ast.expr) -> bool:
        """Whether a program (score: −loss) should become the base of most forward steps.

        A program over a common denominator must at least halve the elite's loss: with b
        fitted it always fits a little better than its numerator alone, and a denominator
        that only soaks up residual would otherwise become every later step's base (seen on
        the Collins–Soper sum, which it kept from being finished).
        """
        if self._elite is None:
            return True
        if numerator_terms(expression)[1] is not None:
            return score > _DENOMINATOR_GAIN * self._elite[0]
        return score > self._elite[0]

    def _forward(
        self,
        spec: Specification,
        base: ast.expr,
        fitted: tuple[float, ...],
        rng: np.random.Generator,
    ) -> ast.expr | None:
        """``base`` plus the next basis term it has not been extended by yet.

        A base whose constants are all used swaps one of its terms for the new one instead:
        half the time the term with the smallest fitted coefficient (``fitted``: the base's
        constants), which is most often one that only soaks up a little residual, else a
        random one (coefficients of differently scaled terms are not comparable).  Over a
        common denominator (``_denominator``) the new term joins the numerator.  A child
        continues the enumeration after the term that made it, wrapping around, so that a
        chain of improving steps walks through the library instead of rescanning its start.
        """
        library = self._basis(spec)
        renumbered, count = renumber(base)
        parent = ast.dump(renumbered)
        start = self._start.get(parent, 0)
        while (tried := self._next.get(parent, 0)) < len(library):
            self._next[parent] = tried + 1
            index = (start + tried) % len(library)
            term = ast.BinOp(_parse(f"params[{_NEW}]"), ast.Mult(), _parse(library.terms[index]))
            terms, denominator = numerator_terms(base)  # renumber below copies them
            _make_room(spec, terms, count, fitted, rng)
            expression, size = renumber(over([*terms, term], denominator))
            key = ast.dump(expression)
            if size <= spec.max_nparams and key not in self._seen:
                self._start.setdefault(key, index + 1)
                return expression
        return None

    def _denominator(
        self,
        spec: Specification,
        base: ast.expr,
        fitted: tuple[float, ...],
        rng: np.random.Generator,
    ) -> ast.expr | None:
        """Every term of ``base`` over one common denominator 1 + b·g, g a library term.

        A sum found by forward steps is often the numerator of a rational law (a Padé form,
        a propagator, a saturation in a ratio of scales), which no number of added terms
        reaches.  g walks the library with one cursor shared by all parents, so the steps
        cover every g once per pass however often the best program changes; a full base
        first loses its weakest term (as in ``_forward``) to make room for b.
        """
        library = self._basis(spec)
        terms, _ = numerator_terms(base)  # a base over a denominator gets the new one instead
        _make_room(spec, terms, renumber(sum_of(terms))[1], fitted, rng)
        for _ in range(len(library)):
            index = self._next.get(_CURSOR, 0) % len(library)
            self._next[_CURSOR] = index + 1
            g = _scaled(f"params[{_NEW}]", _parse(library.terms[index]))
            denominator = ast.BinOp(_parse("1"), ast.Add(), g)
            expression, size = renumber(over(terms, denominator))
            if size <= spec.max_nparams and ast.dump(expression) not in self._seen:
                return expression
        return None

    def _basis(self, spec: Specification) -> Basis:
        if self._library is None:
            self._library = Basis(spec, np.random.default_rng([self.seed, 11]))
        return self._library

    def _exchange(self, spec: Specification, base: ast.expr) -> ast.expr | None:
        """``base`` with one of its library terms moved one leaf away (``Basis.neighbours``).

        A sum built greedily keeps the first term that helped, often a simpler look-alike of
        the one the data want (c·cos φ for sin θ cos θ cos φ), and once its constants are
        spent, adding cannot repair it.  An exchange keeps the constant count and swaps that
        term for a neighbour.  The moves of one parent (term, neighbour) are tried once each,
        in an order fixed by the parent's text, so repeated steps from an elite walk them all;
        moves to a larger neighbour (``Basis.size``) come first, since forward steps try the
        smaller terms first and so leave the simpler look-alike in place.
        """
        library = self._basis(spec)
        renumbered, _ = renumber(base)
        parent = ast.dump(renumbered)
        terms, denominator = numerator_terms(base)
        sites = {}
        for position, term in enumerate(terms):
            index = self._site(spec, term)
            if index is not None:
                sites[position] = index
        present = set(sites.values())
        moves = [
            (position, neighbour)
            for position, index in sites.items()
            for neighbour in library.neighbours(index)
            if neighbour not in present
        ]
        shuffled = np.random.default_rng([self.seed, zlib.crc32(parent.encode())]).permutation(
            len(moves)
        )
        order = sorted(
            shuffled, key=lambda m: library.size(moves[m][1]) <= library.size(sites[moves[m][0]])
        )
        while (tried := self._exchanged.get(parent, 0)) < len(moves):
            self._exchanged[parent] = tried + 1
            position, neighbour = moves[order[tried]]
            old = terms[position]
            assert isinstance(old, ast.BinOp)  # a site is a params[k] * term product
            term = ast.BinOp(old.left, ast.Mult(), _parse(library.terms[neighbour]))
            moved = [*terms[:position], term, *terms[position + 1 :]]
            expression, _ = renumber(over(moved, denominator))
            if ast.dump(expression) not in self._seen:
                return expression
        return None

    def _site(self, spec: Specification, term: ast.expr) -> int | None:
        """The library index of a term ``params[k] * product`` (``None``: not a library term)."""
        bare = _without_coefficient(term)
        return None if bare is None else self._basis(spec).index_of(bare)

    @staticmethod
    def _render(spec: Specification, expression: ast.expr, version: int) -> str:
        return spec.header(f"equation_v{version}") + f"    return {ast.unparse(expression)}\n"

    def _edit(
        self, spec: Specification, parents: list[ast.expr], rng: np.random.Generator
    ) -> ast.expr | None:
        operations: list[tuple[float, Callable[..., list[ast.expr] | None]]] = [
            (0.20, self._add_term),
            (0.15, self._replace_term),
            (0.15, self._drop_term),
            (0.10, self._multiply_term),
            (0.15, self._wrap),
            (0.15, self._power_law),
            (0.10, self._rational),
            (0.10, self._graft),
            (0.05, self._scale_all),
            (0.15 if len(parents) > 1 else 0.0, self._crossover),
        ]
        weights = np.array([w for w, _ in operations])
        operation = operations[int(rng.choice(len(operations), p=weights / weights.sum()))][1]
        base = parents[-1] if rng.random() < 0.7 else parents[int(rng.integers(len(parents)))]
        terms = [copy.deepcopy(t) for t in terms_of(base)]
        fresh = _Fresh()
        new_terms = operation(spec, terms, parents, rng, fresh)
        if not new_terms:
            return None
        expression, count = renumber(sum_of(new_terms))
        if count > spec.max_nparams:
            return None
        return expression

    def _leaf(self, var: InputVariable, rng: np.random.Generator) -> ast.expr:
        forms = leaves(var)
        return _parse(forms[int(rng.integers(len(forms)))])

    def _leaf_product(self, spec: Specification, rng: np.random.Generator) -> ast.expr:
        """A leaf of a random input, or (half the time) times a leaf of another input.

        Two leaves of one input are not multiplied: pT·(1/pT) is a constant and pT·pT is
        already the leaf pT².
        """
        inputs = list(spec.inputs)
        first = int(rng.integers(len(inputs)))
        product = self._leaf(inputs[first], rng)
        if len(inputs) > 1 and rng.random() < 0.5:
            others = inputs[:first] + inputs[first + 1 :]
            other = self._leaf(others[int(rng.integers(len(others)))], rng)
            product = ast.BinOp(product, ast.Mult(), other)
        return product

    def _factor(
        self, var: InputVariable, rng: np.random.Generator, fresh: _Fresh, depth: int = 0
    ) -> ast.expr:
        """A random expression tree in ``var`` (and, below the root, fitted constants)."""
        roll = rng.random()
        if depth >= _MAX_DEPTH or roll < 0.35:
            return self._leaf(var, rng)
        if roll < 0.65:
            inner = self._factor(var, rng, fresh, depth + 1)
            template = _UNARY[int(rng.integers(len(_UNARY)))]
            node = _parse(template.replace("{a}", "_INNER_"))
            return _substitute(node, inner)
        left = self._factor(var, rng, fresh, depth + 1)
        right = _parse(fresh()) if rng.random() < 0.5 else self._factor(var, rng, fresh, depth + 1)
        op = _BINARY[int(rng.integers(len(_BINARY)))]()
        return ast.BinOp(left, op, right) if rng.random() < 0.5 else ast.BinOp(right, op, left)

    def _random_factor(
        self, spec: Specification, rng: np.random.Generator, fresh: _Fresh
    ) -> ast.expr:
        """A random expression of one input, or (for several inputs) sometimes of two."""
        inputs = list(spec.inputs)
        first = inputs[int(rng.integers(len(inputs)))]
        factor = self._factor(first, rng, fresh)
        if len(inputs) > 1 and rng.random() < 0.35:
            others = [v for v in inputs if v.name != first.name]
            second = others[int(rng.integers(len(others)))]
            factor = ast.BinOp(factor, ast.Mult(), self._factor(second, rng, fresh))
        return factor

    def _new_term(self, spec: Specification, rng: np.random.Generator, fresh: _Fresh) -> ast.expr:
        return ast.BinOp(_parse(fresh()), ast.Mult(), self._random_factor(spec, rng, fresh))

    def _add_term(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        return [*terms, self._new_term(spec, rng, fresh)]

    def _replace_term(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        index = int(rng.integers(len(terms)))
        return [*terms[:index], self._new_term(spec, rng, fresh), *terms[index + 1 :]]

    def _drop_term(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        if len(terms) < 2:
            return None
        index = int(rng.integers(len(terms)))
        return terms[:index] + terms[index + 1 :]

    def _multiply_term(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        index = int(rng.integers(len(terms)))
        factor = self._random_factor(spec, rng, fresh)
        product = ast.BinOp(terms[index], ast.Mult(), factor)
        if rng.random() < 0.3:
            damping = ast.BinOp(_parse(fresh()), ast.Mult(), factor)
            product = ast.BinOp(terms[index], ast.Div(), ast.BinOp(_parse("1"), ast.Add(), damping))
        return [*terms[:index], product, *terms[index + 1 :]]

    def _wrap(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        """t → t·(1 + c·g)^q or t·exp(c·g): saturation, roots, poles and decays, all fitted."""
        index = int(rng.integers(len(terms)))
        inner = ast.BinOp(_parse(fresh()), ast.Mult(), self._leaf_product(spec, rng))
        if rng.random() < 0.6:
            factor = ast.BinOp(ast.BinOp(_parse("1"), ast.Add(), inner), ast.Pow(), _parse(fresh()))
        else:
            factor = ast.Call(_parse("np.exp"), [inner], [])
        return [*terms[:index], ast.BinOp(terms[index], ast.Mult(), factor), *terms[index + 1 :]]

    def _rational(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        """A rational function of low degree in one product g, with fitted coefficients.

        (a0 + a1·g [+ a2·g²]) / (1 + b1·g [+ b2·g²]): the generic family of saturations,
        thresholds, resonances and Padé approximants (the numerator's coefficients are
        solved exactly by the fit, only the b's are searched).  It is added as a new term,
        replaces the program, or multiplies the bare part of one term (its coefficient dropped:
        a rational dependence times what the term already says about the inputs).  g is a
        random leaf product, or half the time part of a product the program already uses
        (``Basis.parts``): a variable the data have already shown to matter.
        """
        g = self._leaf_product(spec, rng)
        sites = [self._site(spec, t) for t in terms]
        used = [part for i in sites if i is not None for part in self._basis(spec).parts(i)]
        if used and rng.random() < 0.5:
            g = _parse(used[int(rng.integers(len(used)))])
        degree = 1 if rng.random() < 0.6 else 2
        powers = [copy.deepcopy(g), ast.BinOp(copy.deepcopy(g), ast.Pow(), _parse("2"))]
        numerator: ast.expr = _parse(fresh())
        denominator: ast.expr = _parse("1")
        for power in powers[:degree]:
            numerator = ast.BinOp(numerator, ast.Add(), _scaled(fresh(), power))
            denominator = ast.BinOp(denominator, ast.Add(), _scaled(fresh(), power))
        rational = ast.BinOp(numerator, ast.Div(), denominator)
        roll = rng.random()
        if roll < 0.35:
            return [*terms, rational]
        if roll < 0.6:
            return [rational]
        index = int(rng.integers(len(terms)))
        bare = _without_coefficient(terms[index])
        if bare is None:
            return None
        return [*terms[:index], ast.BinOp(bare, ast.Mult(), rational), *terms[index + 1 :]]

    def _power_law(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        """A term c·x1^a·x2^b… over positive inputs, exponents fitted; or that term alone."""
        positive = [v for v in spec.inputs if v.kind == "scale"]
        if not positive:
            return None
        chosen = [v for v in positive if rng.random() < 0.7] or positive
        term: ast.expr = _parse(fresh())
        for var in chosen:
            power = ast.BinOp(_parse(var.name), ast.Pow(), _parse(fresh()))
            term = ast.BinOp(term, ast.Mult(), power)
        return [*terms, term] if rng.random() < 0.5 else [term]

    def _scale_all(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        """Multiply every term by one factor: an overall law (1/s, a form factor) times a shape."""
        inputs = list(spec.inputs)
        var = inputs[int(rng.integers(len(inputs)))]
        factor = self._factor(var, rng, fresh)
        return [ast.BinOp(term, ast.Mult(), copy.deepcopy(factor)) for term in terms]

    def _graft(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        """Replace one occurrence of an input inside a term by a primitive of that input."""
        index = int(rng.integers(len(terms)))
        names = {v.name: v for v in spec.inputs}
        sites = [n for n in ast.walk(terms[index]) if isinstance(n, ast.Name) and n.id in names]
        if not sites:
            return None
        site = sites[int(rng.integers(len(sites)))]
        replacement = self._factor(names[site.id], rng, fresh)

        class Graft(ast.NodeTransformer):
            def visit_Name(self, node: ast.Name) -> ast.AST:
                return replacement if node is site else node

        grafted = Graft().visit(terms[index])
        return [*terms[:index], grafted, *terms[index + 1 :]]

    def _crossover(self, spec, terms, parents, rng, fresh):  # type: ignore[no-untyped-def]
        pools = [terms_of(copy.deepcopy(p)) for p in parents[-2:]]
        chosen: list[ast.expr] = []
        keys: set[str] = set()
        for pool in pools:
            mask = rng.random(len(pool)) < 0.5
            if not mask.any():
                mask[int(rng.integers(len(pool)))] = True
            for term, keep in zip(pool, mask, strict=True):
                key = ast.dump(term)
                if keep and key not in keys:
                    keys.add(key)
                    chosen.append(_offset_params(term, len(chosen) * 100))
        return chosen


def _substitute(node: ast.expr, inner: ast.expr) -> ast.expr:
    """``node`` with its placeholder name ``_INNER_`` replaced by ``inner``."""

    class Fill(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.AST:
            return copy.deepcopy(inner) if name.id == "_INNER_" else name

    return Fill().visit(node)


def _make_room(
    spec: Specification,
    terms: list[ast.expr],
    count: int,
    fitted: tuple[float, ...],
    rng: np.random.Generator,
) -> None:
    """Drop the ``_weakest`` of ``terms`` when their program already uses all its constants."""
    if count >= spec.max_nparams and len(terms) > 1:
        del terms[_weakest(terms, fitted, rng)]


def _weakest(terms: list[ast.expr], fitted: tuple[float, ...], rng: np.random.Generator) -> int:
    """Index of the term to drop: the smallest |coefficient| half the time, else random."""
    sizes = []
    for term in terms:
        index = _coefficient_index(term)
        known = index is not None and index < len(fitted)
        sizes.append(abs(fitted[index]) if known and index is not None else np.inf)
    if rng.random() < 0.5 and np.isfinite(min(sizes)):
        return int(np.argmin(sizes))
    return int(rng.integers(len(terms)))


def _scaled(param: str, node: ast.expr) -> ast.expr:
    return ast.BinOp(_parse(param), ast.Mult(), copy.deepcopy(node))


def _coefficient_index(term: ast.expr) -> int | None:
    """k of a term ``params[k] * rest`` (``None`` for a term of another shape)."""
    if isinstance(term, ast.BinOp) and isinstance(term.op, ast.Mult):
        return param_index(term.left)
    return None


def _without_coefficient(term: ast.expr) -> ast.expr | None:
    """``rest`` of a term ``params[k] * rest`` (``None`` for a term of another shape)."""
    if isinstance(term, ast.BinOp) and _coefficient_index(term) is not None:
        return term.right
    return None


def _offset_params(term: ast.expr, offset: int) -> ast.expr:
    """Shift a term's parameter indices so that terms from different parents stay independent."""

    class Shift(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            index = param_index(node)
            if index is None:
                return self.generic_visit(node)
            return ast.Subscript(
                ast.Name("params", ast.Load()), ast.Constant(index + offset + 1), ast.Load()
            )

    return Shift().visit(term)

"""Constrained decoding for the operators format: only monomials that can be invariant.

Most terms verification drops fail a condition a glance at the quantum numbers decides: the
U(1) charges do not add up to zero, SU(N) indices cannot all be contracted (the n-alities do
not add up to a multiple of N), a left- and a right-handed spinor meet, or the monomial has
mass dimension above 4.  A logits processor can rule those out while the model writes, so a
slip on one token no longer costs a whole term.

It uses these *necessary* conditions only.  Which of the surviving monomials are invariant
and how many invariants each has (the engine's counts and bases) is what the model is judged
on, so the grammar never consults them: a monomial like ``H H`` of a doublet passes every
test here though it vanishes by antisymmetry, and ``TIMES n`` may be any count from 2 to 99.
Besides the physics, the grammar keeps the format's own rules: objects in sorted order, no
``DAGGER`` on a real field, and no entry written twice (a monomial and its conjugate are
the same entry).

Decoding is constrained per source: ``grammar(model)`` is the grammar of one field set,
``logits_processor(tokenizer, grammars)`` the ``transformers`` processor for a batch of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations_with_replacement
from typing import TYPE_CHECKING, Any

from lagrangian.model.codec import DIGITS
from lagrangian.model.codec.bartl import number_tokens

if TYPE_CHECKING:
    from lagrangian.model.tokenizer import WordTokenizer
    from lagrangian.physics.fields import Model
    from lagrangian.physics.monomials import Occurrence

HEADS = ("GAUGE", "KINETIC", "TERM")
FORMATS = ("operators", "units")  # the formats whose targets this grammar describes
Prefix = tuple[str, ...]


@dataclass(frozen=True)
class Grammar:
    """The entries one field set may have, as a token trie.

    ``following[p]``: the tokens that extend prefix ``p`` (``p`` starts with a head);
    ``keys[p]``: the entries under ``p``, by their key (a monomial and its conjugate share
    one); ``complete[p]``: the key of the entry ``p`` spells, if it is one.
    """

    following: dict[Prefix, frozenset[str]]
    keys: dict[Prefix, frozenset[Prefix]]
    complete: dict[Prefix, Prefix]

    def allowed(self, target: Sequence[str]) -> set[str] | None:
        """The tokens that may follow ``target`` (the target so far, without ``[SOS]``);
        ``"[EOS]"`` stands for the end.  ``None`` when ``target`` already left the grammar
        (then nothing is constrained)."""
        written: set[Prefix] = set()
        start = 0
        for position in range(1, len(target)):
            if target[position] in HEADS:
                body = _body(tuple(target[start:position]))
                if body not in self.complete:
                    return None
                written.add(self.complete[body])
                start = position
        current = tuple(target[start:])
        if not current:
            return self._boundary(written)
        if "TIMES" in current:
            digits = current[current.index("TIMES") + 1 :]
            value = int("".join(digits)) if digits else 0
            out = set(DIGITS[1:] if not digits else DIGITS) if len(digits) < 2 else set()
            if value >= 2:
                out |= self._boundary(written | {self.complete[_body(current)]})
            return out
        if current not in self.following and current not in self.complete:
            return None
        out = {
            token
            for token in self.following.get(current, ())
            if not self.keys[(*current, token)] <= written
        }
        key = self.complete.get(current)
        if key is not None and key not in written:
            out |= self._boundary(written | {key})
            if current[0] == "TERM":
                out.add("TIMES")
        return out

    def _boundary(self, written: set[Prefix]) -> set[str]:
        # ``<=`` stops at the first entry not yet written: a set difference would copy
        # thousands of monomials per token and step.
        return {"[EOS]"} | {h for h in HEADS if not self.keys[(h,)] <= written}


def _body(entry: Prefix) -> Prefix:
    """An entry without its ``TIMES n``."""
    return entry[: entry.index("TIMES")] if "TIMES" in entry else entry


def possible_monomials(model: Model) -> list[tuple[Occurrence, ...]]:
    """Sorted monomials of at most four objects that pass the necessary conditions: mass
    dimension at most 4, spinors of one chirality, U(1) charges adding up to zero and SU(N)
    n-alities to a multiple of N."""
    from lagrangian.physics.lagrangian import monomial_kind
    from lagrangian.physics.monomials import Occurrence, rep_of

    objects = sorted(
        Occurrence(i, dagger)
        for i, f in enumerate(model.fields)
        for dagger in ((False,) if f.real else (False, True))
    )
    factors = list(enumerate(model.group.ns))
    out = []
    for size in range(1, 5):
        for occs in combinations_with_replacement(objects, size):
            if monomial_kind(model, occs) is None:
                continue
            chirality = {
                (model.fields[o.index].helicity == "left") != o.conjugate
                for o in occs
                if model.fields[o.index].is_fermion
            }
            if len(chirality) > 1:
                continue
            reps = [rep_of(model, o).gauge for o in occs]
            if all(
                (sum((r[f] for r in reps), Fraction(0)) == 0)
                if n == 1
                else sum(r[f].n_ality for r in reps) % n == 0
                for f, n in factors
            ):
                out.append(occs)
    return out


def grammar(model: Model) -> Grammar:
    """The grammar of ``model``'s operators targets (see the module docstring)."""
    from lagrangian.physics.monomials import conjugate

    entries: dict[Prefix, Prefix] = {}
    for name in model.group.names:
        entries[("GAUGE", name)] = ("GAUGE", name)
    for i in range(len(model.fields)):
        entry = ("KINETIC", "F", *number_tokens(str(i + 1)))
        entries[entry] = entry
    for occs in possible_monomials(model):
        spelled = _spell(occs)
        entries[spelled] = min(spelled, _spell(conjugate(model, occs)))
    following: dict[Prefix, set[str]] = {}
    keys: dict[Prefix, set[Prefix]] = {}
    for entry, key in entries.items():
        for length in range(1, len(entry) + 1):
            keys.setdefault(entry[:length], set()).add(key)
            if length < len(entry):
                following.setdefault(entry[:length], set()).add(entry[length])
    for head in HEADS:
        keys.setdefault((head,), set())
    return Grammar(
        {p: frozenset(t) for p, t in following.items()},
        {p: frozenset(k) for p, k in keys.items()},
        entries,
    )


def _spell(occs: Sequence[Occurrence]) -> Prefix:
    out = ["TERM"]
    for o in sorted(occs):
        out += ["F", *number_tokens(str(o.index + 1)), *(["DAGGER"] if o.conjugate else [])]
    return tuple(out)


def logits_processor(tokenizer: WordTokenizer, grammars: Sequence[Grammar | None]) -> Any:
    """A ``transformers`` logits processor for a batch of sources (one grammar each, ``None``
    leaves that source free).  Rows of beams or samples of source k follow k's grammar.  A
    row whose every token would be masked (the length limit forcing ``[EOS]`` mid-term) is
    left as the model scored it."""
    import torch
    from transformers import LogitsProcessor

    vocab: dict[str, int] = tokenizer.hf.get_vocab()
    words = {i: w for w, i in vocab.items()}
    end = tokenizer.special_tokens.eos
    skip = {tokenizer.sos_id, tokenizer.eos_id, tokenizer.pad_id}

    class Constrained(LogitsProcessor):  # type: ignore[misc]
        def __call__(self, input_ids: Any, scores: Any) -> Any:
            copies = input_ids.shape[0] // len(grammars)
            mask = torch.zeros_like(scores, dtype=torch.bool)
            for row, ids in enumerate(input_ids.tolist()):
                rules = grammars[row // copies]
                if rules is None:
                    continue
                started = tokenizer.sos_id in ids
                if not started:  # the first step writes [SOS] (forced by the config)
                    mask[row] = True
                    mask[row, tokenizer.sos_id] = False
                    continue
                body = ids[ids.index(tokenizer.sos_id) + 1 :]
                if tokenizer.eos_id in body:
                    continue  # finished; generate pads it
                allowed = rules.allowed([words[i] for i in body if i not in skip])
                if not allowed:
                    continue
                mask[row] = True
                mask[row, [vocab[end if t == "[EOS]" else t] for t in allowed]] = False
            return scores.masked_fill(mask, float("-inf"))

    return Constrained()

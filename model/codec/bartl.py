"""The BART-L token format of Koay et al., both ways: field sets and terms to tokens, and
generated tokens back to structured terms.

Source (the framing ``[SOS]``/``[EOS]`` is added by the tokenizer)::

    FIELD SPIN 0 SU2 2 U1 1  FIELD SPIN 1 / 2 SU3 3 SU2 2 U1 1 / 3 HEL - 1 / 2

Target: terms starting with ``+``, ``-`` or ``+ i``; objects (``FIELD …``, ``DERIVATIVE
<groups>``, ``SIGMA``/``SIGMA_BAR``, ``COMMUTATOR_A/B DERIVATIVE <group>``) each followed by a
label ``ID0``…``ID9``; then ``CONTRACTIONS`` and, per epsilon (or Lorentz contraction), the
group and the labels it joins.  The engine's printer (``physics.tokens``) writes exactly this
with charges as declared; this codec only changes the U(1) normalisation.

U(1) normalisation: the paper's data writes the Higgs as ``U1 1``, i.e. uses Q = T3 + Y/2,
twice the hypercharge we declare (``scalar H (1, 2, 1/2)``).  ``u1_scale`` (default 2, the
paper's) multiplies declared charges on the way out and divides them on the way back, so a
published BART-L checkpoint sees the numbers it was trained on.  Use ``u1_scale=1`` for data
that writes declared charges.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from lagrangian.model.codec import DEFAULT_SPECIAL_TOKENS, DIGITS, SpecialTokens, TokenError

if TYPE_CHECKING:
    from lagrangian.physics.fields import Model
    from lagrangian.physics.lagrangian import LagrangianTerm

GROUPS = ("SU3", "SU2", "U1")
MAX_LABELS = 10
LABELS = tuple(f"ID{k}" for k in range(MAX_LABELS))
SIGNS = ("+", "-")
OPERATORS = ("DERIVATIVE", "SIGMA", "SIGMA_BAR", "COMMUTATOR_A", "COMMUTATOR_B")
_WORDS = ("FIELD", "SPIN", "HEL", "DAGGER", "CONTRACTIONS", "LORENTZ", *OPERATORS)
_NUMBER = re.compile(r"^-?\d+'*(/\d+)?$")


class DecodeError(TokenError):
    """A token sequence that is not a well-formed term (the message says where)."""


@dataclass(frozen=True)
class FieldObject:
    """A field as a term states it: spin, non-trivial quantum numbers, helicity, dagger.

    Values are the printed numbers as text (``"-3"``, ``"1/3"``), in the codec's U(1)
    normalisation; :meth:`BartLCodec.declared_charge` converts a U(1) value back.
    """

    spin: str
    reps: tuple[tuple[str, str], ...]
    helicity: str | None = None
    dagger: bool = False


@dataclass(frozen=True)
class OperatorObject:
    """``DERIVATIVE SU3 SU2``, ``SIGMA_BAR``, ``COMMUTATOR_A DERIVATIVE SU2`` …"""

    name: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class BartLTerm:
    """One term: sign, labelled objects, and contractions (group, labels joined)."""

    sign: str
    objects: tuple[tuple[FieldObject | OperatorObject, int], ...]
    contractions: tuple[tuple[str, tuple[int, ...]], ...]

    def tokens(self) -> list[str]:
        out = self.sign.split()
        for obj, label in self.objects:
            out += object_tokens(obj)
            out.append(f"ID{label}")
        out.append("CONTRACTIONS")
        for group, labels in self.contractions:
            out += [group, *(f"ID{k}" for k in labels)]
        return out

    def canonical(self) -> BartLTerm:
        """The same term with labels renumbered by first appearance and contraction entries
        sorted: two terms that differ only in label names or entry order become equal."""
        relabel: dict[int, int] = {}
        for _, label in self.objects:
            relabel.setdefault(label, len(relabel))
        for _, labels in self.contractions:
            for label in labels:
                relabel.setdefault(label, len(relabel))
        objects = tuple((obj, relabel[label]) for obj, label in self.objects)
        entries = sorted(
            (group, tuple(sorted(relabel[k] for k in labels)))
            for group, labels in self.contractions
        )
        return BartLTerm(self.sign, objects, tuple(entries))


def number_tokens(text: str) -> list[str]:
    """``-13/6`` -> ``- 1 3 / 6``: one token per character, so any length survives."""
    return [c for c in text if not c.isspace()]


def object_tokens(obj: FieldObject | OperatorObject) -> list[str]:
    if isinstance(obj, OperatorObject):
        if obj.name.startswith("COMMUTATOR"):
            return [obj.name, "DERIVATIVE", *obj.groups]
        return [obj.name, *obj.groups]
    out = ["FIELD", "SPIN", *number_tokens(obj.spin)]
    for group, value in obj.reps:
        out += [group, *number_tokens(value)]
    if obj.helicity is not None:
        out += ["HEL", *number_tokens(obj.helicity)]
    return [*out, "DAGGER"] if obj.dagger else out


class TermReader:
    """A cursor over one term's tokens with error messages that give the position."""

    def __init__(self, tokens: Sequence[str], offset: int) -> None:
        self.tokens = tokens
        self.position = 0
        self.offset = offset

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.error("the term ends too early")
        self.position += 1
        return token

    def error(self, message: str) -> DecodeError:
        return DecodeError(f"token {self.offset + self.position + 1}: {message}")

    def number(self) -> str:
        text = ""
        if self.peek() == "-":
            text += self.take()
        while self.peek() in DIGITS or (text and self.peek() == "'"):
            text += self.take()
        if self.peek() == "/":
            text += self.take()
            while self.peek() in DIGITS:
                text += self.take()
        if not _NUMBER.match(text):
            raise self.error(f"expected a number, got {text or self.peek()!r}")
        return text

    def label(self) -> int:
        token = self.take()
        if not token.startswith("ID") or not token[2:].isdigit():
            raise self.error(f"expected a label ID0…ID9, got {token!r}")
        return int(token[2:])


def _field_object(reader: TermReader) -> FieldObject:
    if reader.take() != "SPIN":
        raise reader.error("FIELD must be followed by SPIN")
    spin = reader.number()
    reps: list[tuple[str, str]] = []
    while reader.peek() in GROUPS:
        group = reader.take()
        if any(g == group for g, _ in reps):
            raise reader.error(f"{group} is given twice")
        reps.append((group, reader.number()))
    helicity = None
    if reader.peek() == "HEL":
        reader.take()
        helicity = reader.number()
    dagger = reader.peek() == "DAGGER"
    if dagger:
        reader.take()
    return FieldObject(spin, tuple(reps), helicity, dagger)


def _term(tokens: Sequence[str], offset: int) -> BartLTerm:
    reader = TermReader(tokens, offset)
    sign = reader.take()
    if sign == "+" and reader.peek() == "i":
        sign += " " + reader.take()
    objects: list[tuple[FieldObject | OperatorObject, int]] = []
    while reader.peek() != "CONTRACTIONS":
        head = reader.take()
        obj: FieldObject | OperatorObject
        if head == "FIELD":
            obj = _field_object(reader)
        elif head in ("COMMUTATOR_A", "COMMUTATOR_B"):
            if reader.take() != "DERIVATIVE" or reader.peek() not in GROUPS:
                raise reader.error(f"{head} must be followed by DERIVATIVE and a group")
            obj = OperatorObject(head, (reader.take(),))
        elif head in OPERATORS:
            groups = []
            while reader.peek() in GROUPS:
                groups.append(reader.take())
            obj = OperatorObject(head, tuple(groups))
        else:
            raise reader.error(f"expected an object or CONTRACTIONS, got {head!r}")
        objects.append((obj, reader.label()))
    reader.take()
    if not objects:
        raise reader.error("a term needs at least one object")
    known = {label for _, label in objects}
    contractions: list[tuple[str, tuple[int, ...]]] = []
    while reader.peek() is not None:
        group = reader.take()
        if group not in (*GROUPS, "LORENTZ"):
            raise reader.error(f"expected a group or LORENTZ, got {group!r}")
        labels = []
        while (reader.peek() or "").startswith("ID"):
            label = reader.label()
            if label not in known:
                raise reader.error(f"label ID{label} names no object of the term")
            labels.append(label)
        if not labels:
            raise reader.error(f"{group} joins no labels")
        contractions.append((group, tuple(labels)))
    return BartLTerm(sign, tuple(objects), tuple(contractions))


def split_terms(tokens: Sequence[str]) -> list[tuple[int, list[str]]]:
    """Cut a target into terms: a sign opens one at the start, after a label or after
    ``CONTRACTIONS`` (inside objects a ``-`` only follows a group name, SPIN or HEL)."""
    pieces: list[tuple[int, list[str]]] = []
    for position, token in enumerate(tokens):
        previous = tokens[position - 1] if position else None
        opens = token in SIGNS and (
            previous is None or previous == "CONTRACTIONS" or previous.startswith("ID")
        )
        if opens or not pieces:
            pieces.append((position, []))
        pieces[-1][1].append(token)
    return pieces


@dataclass(frozen=True)
class Decoded:
    """Terms that parsed, and one message per piece that did not."""

    terms: list[BartLTerm]
    errors: list[str]


def decode_terms(tokens: Sequence[str]) -> Decoded:
    """Parse a target; a malformed term is reported and skipped, never fatal."""
    terms: list[BartLTerm] = []
    errors: list[str] = []
    for offset, piece in split_terms(tokens):
        try:
            if piece[0] not in SIGNS:
                raise DecodeError(f"token {offset + 1}: a term must start with + or -")
            terms.append(_term(piece, offset))
        except DecodeError as error:
            errors.append(str(error))
    return Decoded(terms, errors)


def decode_fields(tokens: Sequence[str]) -> list[FieldObject]:
    """Parse a source (``FIELD …`` repeated); raises :class:`DecodeError` where it fails."""
    reader = TermReader(tokens, 0)
    fields = []
    while reader.peek() is not None:
        if reader.take() != "FIELD":
            raise reader.error("expected FIELD")
        fields.append(_field_object(reader))
    return fields


def scale_u1(tokens: Sequence[str], factor: Fraction) -> list[str]:
    """Multiply every ``U1`` value in a token list by ``factor``."""
    out: list[str] = []
    reader = TermReader(tokens, 0)
    while reader.peek() is not None:
        token = reader.take()
        out.append(token)
        if token == "U1" and reader.peek() in ("-", *DIGITS):
            out += number_tokens(str(Fraction(reader.number()) * factor))
    return out


def check_group(model: Model) -> None:
    """The format names the Standard Model factors only."""
    if not set(model.group.names) <= set(GROUPS) or len(set(model.group.names)) != len(
        model.group.names
    ):
        raise TokenError(
            f"the token formats cover SU3 x SU2 x U1 only, not {' x '.join(model.group.names)}"
        )


@dataclass(frozen=True)
class BartLCodec:
    """The paper's format; ``u1_scale`` is the printed charge over the declared one."""

    u1_scale: Fraction = Fraction(2)
    name: str = "bartl"
    special_tokens: SpecialTokens = DEFAULT_SPECIAL_TOKENS

    def vocabulary(self) -> list[str]:
        return [*_WORDS, *GROUPS, *SIGNS, "i", "/", "'", *LABELS, *DIGITS]

    def encode_fields(self, model: Model) -> list[str]:
        """The source tokens of a field set (without ``[SOS]``/``[EOS]``)."""
        from lagrangian.physics.tokens import field_tokens

        check_group(model)
        out: list[str] = []
        for field in model.fields:
            out += field_tokens(model, field)
        return scale_u1(out, self.u1_scale)

    def encode_term(self, model: Model, term: LagrangianTerm) -> list[str]:
        from lagrangian.physics.tokens import term_tokens

        check_group(model)
        return scale_u1(term_tokens(model, term), self.u1_scale)

    def encode_terms(self, model: Model, terms: Sequence[LagrangianTerm]) -> list[str]:
        """The target tokens of a list of engine terms."""
        return [token for term in terms for token in self.encode_term(model, term)]

    def decode(self, tokens: Sequence[str]) -> Decoded:
        """Terms with charges converted back to the declared normalisation."""
        decoded = decode_terms(tokens)
        return Decoded([self.declared(t) for t in decoded.terms], decoded.errors)

    def declared(self, term: BartLTerm) -> BartLTerm:
        """``term`` with U(1) values divided by ``u1_scale`` (declared charges)."""
        objects = tuple(
            (self._declared_object(obj), label) if isinstance(obj, FieldObject) else (obj, label)
            for obj, label in term.objects
        )
        return replace(term, objects=objects)

    def _declared_object(self, obj: FieldObject) -> FieldObject:
        reps = tuple((g, str(Fraction(v) / self.u1_scale) if g == "U1" else v) for g, v in obj.reps)
        return replace(obj, reps=reps)

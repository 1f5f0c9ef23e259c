"""Completion items: missing terms, field names, keywords and representation names.

The missing terms are the point: at the end of a Lagrangian or on an empty term, every
gauge-invariant renormalizable term the document lacks (from the providers, the exact
engine last) becomes an item with the term as its label, its kind and quantum numbers as
detail, its LaTeX form as documentation and, when the client takes snippets, a tab stop on
the coupling so the user can rename it right away.  Items sort by importance (kinetic
terms, masses, Yukawas, then the potential).  While declaring, the items are keywords,
representation names for the gauge factor at the cursor and the helicity flags.

All items of one answer replace the same range (see ``lsp_context``).  Documentation that
costs more (BART-L tokens, the invariant count) is left to ``completionItem/resolve`` when
the client resolves documentation lazily, and included at once otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from lagrangian.grammar import GREEK, term_spelling
from lagrangian.server.lsp.context import Context
from lagrangian.server.lsp.terms import (
    KIND_LABELS,
    KIND_RANK,
    coupling_text,
    document_notation,
    engine_text,
    quantum_numbers,
    signed,
    term_detail,
    unsigned,
)

if TYPE_CHECKING:
    from lagrangian.grammar.printer import Style
    from lagrangian.physics.checks import TermInfo
    from lagrangian.physics.fields import Model
    from lagrangian.server.lsp.documents import Snapshot
    from lagrangian.server.lsp.providers import ProposalLike

# Words of the term language, per syntax: label, inserted text, what it is.
_TERM_WORDS = {
    "lag": [
        ("D_mu", "D_mu", "covariant derivative"),
        ("partial_mu", "partial_mu", "ordinary derivative (gauge singlets only)"),
        ("sigmabar^mu", "sigmabar^mu", "Pauli four-vector for a left-handed spinor pair"),
        ("sigma^mu", "sigma^mu", "Pauli four-vector for a right-handed spinor pair"),
        ("eps", "eps", "Levi-Civita tensor"),
    ],
    "dirac": [
        ("i\\slashed{D}", "i\\slashed{D}", "covariant derivative contracted with gamma^mu"),
        ("\\slashed{\\partial}", "\\slashed{\\partial}", "ordinary derivative with gamma^mu"),
        ("\\gamma^\\mu", "\\gamma^\\mu", "Dirac matrix"),
        ("D_\\mu", "D_\\mu", "covariant derivative"),
        ("\\partial_\\mu", "\\partial_\\mu", "ordinary derivative (gauge singlets only)"),
        ("P_L", "P_L", "left chiral projector (1 - gamma_5)/2"),
        ("P_R", "P_R", "right chiral projector (1 + gamma_5)/2"),
        ("i\\sigma_2", "i\\sigma_2", "the SU(2) epsilon"),
    ],
    "latex": [
        ("D_\\mu", "D_\\mu", "covariant derivative"),
        ("\\partial_\\mu", "\\partial_\\mu", "ordinary derivative (gauge singlets only)"),
        ("\\bar\\sigma^\\mu", "\\bar\\sigma^\\mu", "Pauli four-vector, left-handed pair"),
        ("\\sigma^\\mu", "\\sigma^\\mu", "Pauli four-vector, right-handed pair"),
        ("\\epsilon", "\\epsilon", "Levi-Civita tensor"),
    ],
}
_SCRIPTS = {
    "lag": [("dagger", "hermitian conjugate"), ("T", "transpose"), ("mu", "Lorentz index")],
    "latex": [("\\dagger", "hermitian conjugate"), ("T", "transpose"), ("\\mu", "Lorentz index")],
}
_HC = {"lag": "h.c.", "latex": "\\text{h.c.}"}
_U1_CHARGES = ("0", "1/6", "-1/6", "1/3", "-1/3", "1/2", "-1/2", "2/3", "-2/3", "1", "-1", "2")
_GAUGE_FACTORS = ("SU3", "SU2", "U1", "SU(5)", "SU(4)")


@dataclass(frozen=True)
class ClientFeatures:
    """What the client does with completion items (from its capabilities)."""

    snippets: bool = False
    lazy_documentation: bool = False
    label_details: bool = False

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> ClientFeatures:
        text = capabilities.text_document
        item = text.completion.completion_item if text and text.completion else None
        if item is None:
            return cls()
        resolvable = item.resolve_support.properties if item.resolve_support else []
        return cls(
            snippets=bool(item.snippet_support),
            lazy_documentation="documentation" in resolvable,
            label_details=bool(item.label_details_support),
        )


def completion_items(
    snapshot: Snapshot,
    context: Context,
    proposals: list[ProposalLike],
    features: ClientFeatures,
) -> list[types.CompletionItem]:
    """The items for ``context``; ``proposals`` are used where a new term can start."""
    if not snapshot.active or context.kind == "none":
        return []
    builder = _Items(snapshot, context, features)
    kind = context.kind
    if kind in ("term_start", "term_between"):
        builder.proposals(proposals)
    if kind == "term_between":
        builder.hermitian_conjugate()
    if kind in ("term_start", "term_between", "term_factor"):
        builder.fields()
        builder.term_words()
    elif kind == "script":
        builder.scripts()
    elif kind == "statement":
        builder.statements()
        if context.after_lagrangian:
            builder.proposals(proposals)
    elif kind == "representation":
        builder.representations()
    elif kind == "flags":
        builder.flags()
    elif kind == "gauge_factor":
        builder.gauge_factors()
    elif kind == "field_name":
        builder.undeclared_names()
    return builder.items


def proposal_documentation(snapshot: Snapshot, proposal: ProposalLike, full: bool) -> str:
    """Markdown: the LaTeX form, what the term is, and (``full``) tokens and counting."""
    term = proposal.term
    model = snapshot.analysis.model
    kind = KIND_LABELS.get(term.term.kind, term.term.kind)
    source = "the exact engine" if proposal.source == "engine" else f"the {proposal.source}"
    lines = [
        f"**{kind}**, proposed by {source}",
        "",
        "```latex",
        engine_text(model, term, "latex", document_notation(snapshot)),
        "```",
    ]
    if term.note:
        lines += ["", f"Flavour couplings: {term.note}."]
    if full:
        lines += _full_documentation(model, proposal)
    return "\n".join(lines)


def _full_documentation(model: Model, proposal: ProposalLike) -> list[str]:
    from lagrangian.physics.tokens import term_tokens

    t = proposal.term.term
    lines = [""]
    if t.kind not in ("kinetic", "gauge_kinetic"):
        count = t.multiplicity
        lines.append(
            "The only invariant of these fields."
            if count == 1
            else f"One of {count} independent invariants of these fields."
        )
        lines.append(
            "Not its own hermitian conjugate: written with `+ h.c.`."
            if t.hc
            else "Its own hermitian conjugate (a real coupling)."
        )
    if proposal.score is not None:
        lines.append(f"Model score: {proposal.score:.3g}.")
    lines += ["", "BART-L tokens:", "```", " ".join(term_tokens(model, t)), "```"]
    return lines


class _Items:
    """Builds the items of one answer, all replacing the context's range."""

    def __init__(self, snapshot: Snapshot, context: Context, features: ClientFeatures) -> None:
        self.snapshot = snapshot
        self.context = context
        self.features = features
        self.style: Style = "latex" if snapshot.syntax == "latex" else "text"
        self.notation = document_notation(snapshot)
        start = snapshot.position(context.start)
        end = snapshot.position(context.offset)
        self.range = types.Range(
            start=types.Position(line=start.line, character=start.character),
            end=types.Position(line=end.line, character=end.character),
        )
        self.items: list[types.CompletionItem] = []

    def add(
        self,
        label: str,
        new_text: str,
        kind: types.CompletionItemKind,
        sort: str,
        detail: str | None = None,
        documentation: str | None = None,
        snippet: bool = False,
        filter_text: str | None = None,
        data: Any = None,
        description: str | None = None,
    ) -> None:
        doc = (
            types.MarkupContent(kind=types.MarkupKind.Markdown, value=documentation)
            if documentation
            else None
        )
        details = (
            types.CompletionItemLabelDetails(description=description)
            if description and self.features.label_details
            else None
        )
        self.items.append(
            types.CompletionItem(
                label=label,
                label_details=details,
                kind=kind,
                detail=detail,
                documentation=doc,
                sort_text=f"{sort}{len(self.items):04d}",
                filter_text=filter_text or self.context.kept + label,
                text_edit=types.TextEdit(range=self.range, new_text=new_text),
                insert_text_format=(
                    types.InsertTextFormat.Snippet if snippet else types.InsertTextFormat.PlainText
                ),
                data=data,
            )
        )

    def plain(self, label: str, kind: types.CompletionItemKind, sort: str, detail: str) -> None:
        """A word inserted as is, after whatever sign the user already typed (and a blank
        after a sign typed without one: ``+`` is a trigger character)."""
        kept = self.context.kept
        if kept[-1:] in ("+", "-"):
            kept += " "
        self.add(label, kept + label, kind, sort, detail=detail)

    # -- terms ------------------------------------------------------------------------------

    def proposals(self, proposals: list[ProposalLike]) -> None:
        model = self.snapshot.analysis.model
        for index, proposal in enumerate(proposals):
            term = proposal.term
            text = engine_text(model, term, self.style, self.notation)
            inserted = self._placed(text)
            coupling = coupling_text(term, self.style)
            snippet = self.features.snippets
            kind = KIND_LABELS.get(term.term.kind, term.term.kind)
            self.add(
                label=unsigned(text),
                new_text=_snippet(inserted, coupling) if snippet else inserted,
                kind=types.CompletionItemKind.Snippet,
                sort=f"0{KIND_RANK.get(term.term.kind, len(KIND_RANK)):02d}",
                detail=term_detail(model, term),
                documentation=proposal_documentation(
                    self.snapshot, proposal, full=not self.features.lazy_documentation
                ),
                snippet=snippet,
                data={
                    "uri": self.snapshot.uri,
                    "version": self.snapshot.version,
                    "proposal": index,
                },
                description=f"{kind} · {proposal.source}",
            )

    def _placed(self, text: str) -> str:
        """A printed term as it goes in: its own sign replaces a typed one in the range,
        a sign typed on an earlier line is kept, and the first term needs none."""
        context = self.context
        if context.kind != "term_start" or context.kept.strip():
            return signed(text)
        return unsigned(text) if context.sign else text

    def hermitian_conjugate(self) -> None:
        """``+ h.c.`` after a term that needs it."""
        previous = self._term_before()
        if previous is None or previous.term.hc or previous.self_conjugate or not previous.valid:
            return
        hc = f"+ {_HC[self.snapshot.syntax]}"
        self.add(
            hc, hc, types.CompletionItemKind.Keyword, "05", detail="add the hermitian conjugate"
        )

    def _term_before(self) -> TermInfo | None:
        offset = self.context.offset
        best: TermInfo | None = None
        best_end = -1
        for info in self.snapshot.analysis.terms:
            span = info.term.span
            if span is not None and best_end < span.end.offset <= offset:
                best, best_end = info, span.end.offset
        if best is None or self.snapshot.text[best_end:offset].strip():
            return None
        return best

    def fields(self) -> None:
        model = self.snapshot.analysis.model
        dagger = "^\\dagger" if self.style == "latex" else "^dagger"
        dirac = self.notation == "four-component"
        for field in model.fields:
            numbers = quantum_numbers(field)
            helicity = f" {field.helicity}" if field.helicity else ""
            detail = f"{field.kind} {numbers}{helicity}"
            name = term_spelling(field.name)  # Psi_{1L}: Psi_1L would read as Psi_1 L
            self.plain(name, types.CompletionItemKind.Field, "1", detail)
            if not field.real:
                conjugate = (
                    f"{field.kind} {quantum_numbers(field, True)}, the conjugate of {field.name}"
                )
                # in Dirac notation a conjugated spinor is barred: \overline{Q_L}
                label = f"\\overline{{{name}}}" if dirac and field.is_fermion else name + dagger
                self.plain(label, types.CompletionItemKind.Field, "2", conjugate)
        for written, left, _ in model.dirac if dirac else ():
            found = model.field(left)
            assert found is not None
            detail = f"Dirac fermion {quantum_numbers(found)}"
            name = term_spelling(written)
            self.plain(name, types.CompletionItemKind.Field, "1", detail)
            self.plain(f"\\overline{{{name}}}", types.CompletionItemKind.Field, "2", detail)

    def term_words(self) -> None:
        words = "dirac" if self.notation == "four-component" else self.snapshot.syntax
        for label, _, what in _TERM_WORDS[words]:
            self.plain(label, types.CompletionItemKind.Keyword, "3", what)
        if self.style == "latex":
            for name in sorted(GREEK):
                if name != "omicron":
                    self.plain(f"\\{name}", types.CompletionItemKind.Constant, "4", "Greek letter")

    def scripts(self) -> None:
        for label, what in _SCRIPTS[self.snapshot.syntax]:
            self.plain(label, types.CompletionItemKind.Keyword, "1", what)

    # -- declarations -----------------------------------------------------------------------

    def statements(self) -> None:
        group = self.snapshot.analysis.model.group
        defaults = ["0" if n == 1 else "1" for n in group.ns]
        snippet = self.features.snippets
        directive = self.context.in_directive
        for keyword, body, detail in _statement_templates(defaults, directive):
            text = body if snippet else _strip_tab_stops(body)
            self.add(
                keyword,
                text,
                types.CompletionItemKind.Keyword,
                "0",
                detail=detail,
                snippet=snippet,
                filter_text=keyword,
            )
        if not directive and not self.snapshot.document.lagrangian_spans:
            self.add("L =", "L = ", types.CompletionItemKind.Keyword, "0", detail="the Lagrangian")

    def representations(self) -> None:
        group = self.snapshot.analysis.model.group
        factor = self.context.factor
        if factor >= len(group.ns):
            return
        n = group.ns[factor]
        if n == 1:
            for charge in _U1_CHARGES:
                self.add(
                    charge,
                    charge,
                    types.CompletionItemKind.Value,
                    "1",
                    detail=f"{group.names[factor]} charge",
                )
            return
        for name, dim in su_irrep_names(n):
            detail = f"SU({n}) irrep of dimension {dim}"
            self.add(name, name, types.CompletionItemKind.EnumMember, "1", detail=detail)

    def flags(self) -> None:
        options = (
            [("left", "left-handed Weyl spinor (helicity -1/2)"), ("right", "right-handed (+1/2)")]
            if self.context.keyword == "fermion"
            else [("real", "a real scalar (its own conjugate)")]
        )
        for flag, what in options:
            self.add(flag, flag, types.CompletionItemKind.Keyword, "1", detail=what)

    def gauge_factors(self) -> None:
        for name in _GAUGE_FACTORS:
            self.add(name, name, types.CompletionItemKind.Module, "1", detail="gauge group factor")

    def undeclared_names(self) -> None:
        """Names the Lagrangian uses as fields but nobody declared yet."""
        seen: set[str] = set()
        for info in self.snapshot.analysis.terms:
            for name, _ in info.resolved.unknown:
                if name not in seen:
                    seen.add(name)
                    self.add(
                        name,
                        name,
                        types.CompletionItemKind.Field,
                        "1",
                        detail="used in the Lagrangian",
                    )


def su_irrep_names(n: int) -> list[tuple[str, int]]:
    """The common SU(N) irreps by canonical name: singlet, fundamental and its conjugate,
    the two-index ones and the adjoint (for SU(2) also the 4 and 5)."""
    from lagrangian.physics.groups import RepError, parse_su_irrep

    dims = [1, n, -n, n * (n + 1) // 2, -(n * (n + 1) // 2), n * (n - 1) // 2, n * n - 1]
    if n == 2:
        dims += [4, 5]
    names: list[tuple[str, int]] = []
    for dim in dims:
        try:
            irrep = parse_su_irrep(str(dim), n)
        except RepError:
            continue
        entry = (irrep.name(), irrep.dim)
        if entry not in names and dim != 0:
            names.append(entry)
    return names


def _statement_templates(defaults: list[str], directive: bool) -> list[tuple[str, str, str]]:
    reps = ", ".join(f"${{{i}:{d}}}" for i, d in enumerate(defaults, start=2))
    flag = len(defaults) + 2
    templates = [
        ("scalar", f"scalar ${{1:S}} ({reps})", "declare a scalar field"),
        ("fermion", f"fermion ${{1:psi}} ({reps}) ${{{flag}:left}}", "declare a Weyl fermion"),
        ("gauge", "gauge ${1:SU3 x SU2 x U1}", "the gauge group"),
    ]
    if not directive:
        templates.append(
            (
                "fit",
                'fit ${1:name} {\n  data = "${2:data.csv}"\n'
                "  target = ${3:y}\n  inputs = ${4:x}\n}",
                "fit an equation to data (LLM-SR)",
            )
        )
    return templates


def _strip_tab_stops(snippet: str) -> str:
    """``${1:S}`` -> ``S``: the snippet's text for clients without snippets."""
    return re.sub(r"\$\{\d+:([^}]*)\}", r"\1", snippet)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _snippet(text: str, coupling: str | None) -> str:
    """``text`` as a snippet with a tab stop on the coupling's first appearance."""
    if coupling is None or coupling not in text:
        return _escape(text) + "$0"
    at = text.index(coupling)
    before, after = text[:at], text[at + len(coupling) :]
    return f"{_escape(before)}${{1:{_escape(coupling)}}}{_escape(after)}$0"

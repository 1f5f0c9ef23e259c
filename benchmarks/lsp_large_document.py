"""Language-server performance on a large document: 5,000 lines, and one 100k-character line.

Drives a real ``python -m lagrangian.server lsp`` subprocess over stdio (the client and
helpers of ``lsp_performance.py``), with the exact engine, on a 5,000-line ``.lag`` model
file: the 21 fields of ``lsp_performance.py`` plus a leptoquark and a charged singlet, the
complete renormalizable Lagrangian of them (every term under a comment that says what it
is), a section of dimension-5 and -6 operators, a few mistakes (a hypercharge violation,
a term without its ``h.c.``, an unknown field, a syntax error), and notes in comments.

* ``first_diagnostics``: ``didOpen`` to the first ``publishDiagnostics``, each round in a
  fresh server whose engine has warmed up (no term cached yet); goal < 1.5 s;
* ``completion_after_edit``: a term in the middle of the Lagrangian or a comment edited,
  then completion at the end of the document at once; goal p95 < 150 ms;
* ``long_line_*``: the same document with one more line of 100,000 characters (a
  Lagrangian line of about 6,000 terms): diagnostics of that version, then completion
  after an edit elsewhere; the goal is an answer within seconds, never a hang.
* ``cpu_*``: the same work in this process, in CPU seconds (``time.process_time``), which a
  busy machine inflates far less than wall time: the first check of the document, and the
  re-check plus missing terms plus cursor context that a completion after an edit waits for.

    python benchmarks/lsp_large_document.py [--rounds 40] [--json out.json]
                                            [--compare previous.json]
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from lsp_performance import (
    FIELDS,
    URI,
    _stats,
    change,
    command_line,
    complete,
    end_of,
    finish,
    run,
    started,
    stats_line,
    status,
)
from lsprotocol import types

LINES = 5000
LONG_LINE = 100_000
EXTRA_FIELDS = "; scalar S1 (-3, 1, 1/3); scalar h (1, 1, 1)"
# Operators above dimension 4 as they appear in EFT notes: (fields, a short description).
OPERATORS = (
    ("L{a} L{b} H H", "Weinberg operator"),
    ("(H^dagger H)^3", "Higgs sextic"),
    ("(H^dagger H) Q{a} u{b} H", "Yukawa times Higgs density"),
    ("(H^dagger H) L{a} e{b} H^dagger", "lepton Yukawa times Higgs density"),
    ("(Phi^dagger Phi) Q{a} d{b} Phi^dagger", "second-doublet Yukawa times its density"),
    ("S (H^dagger H)^2", "singlet times Higgs quartic"),
)
MISTAKES = (
    "  - bad_1 H H S",  # hypercharge sum 1
    "  - bad_2 Q1 u1 H",  # missing + h.c.
    "  - bad_3 X H^dagger H",  # X is not declared: read as a coupling name, no error
    "  - bad_4 (H^dagger H",  # syntax error
)


def large_document(lines: int = LINES) -> str:
    """The model file: declarations, the complete Lagrangian with notes, operators, mistakes."""
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.api import engine_terms
    from lagrangian.physics.fields import build_model
    from lagrangian.server.output import render_generated

    decls = parse_declarations(FIELDS + EXTRA_FIELDS)
    model, problems = build_model(decls.gauge, decls.fields)
    assert not problems, problems
    generated = render_generated(model, engine_terms(model), "text").splitlines()
    first = next(i for i, line in enumerate(generated) if line.startswith("L ="))
    head = generated[:first]
    body: list[str] = [generated[first]]
    for number, term in enumerate(generated[first + 1 :]):
        body += [f"  # term {number + 1}: {term.strip()[:60]}", "  #   checked by the engine", term]
    flavours = [(a, b) for a in (1, 2, 3) for b in (1, 2, 3)]
    operators: list[str] = ["  # dimension-5 and -6 operators (suppressed by 1/Lambda^n)"]
    for k, (fields, note) in enumerate(OPERATORS):
        for a, b in flavours if "{a}" in fields else [(1, 1)]:
            operators += [
                f"  # O{k}_{a}{b}: {note}",
                f"  - c{k}_{a}{b} {fields.format(a=a, b=b)} + h.c.",
            ]
    mistakes = [line for mistake in MISTAKES for line in ("  # a mistake to report", mistake)]
    notes = ["# " + "notes on the model, its parameters and their experimental limits"]
    padding = lines - len(head) - len(body) - len(operators) - len(mistakes) - 1
    assert padding >= 0, "the document needs more lines than asked for"
    middle = len(body) // 2
    text_lines = (
        head
        + notes * (padding // 2)
        + body[:middle]
        + ["  # " + "-" * 70] * (padding - padding // 2)
        + body[middle:]
        + operators
        + mistakes
    )
    return "\n".join(text_lines) + "\n  "


def long_line(length: int = LONG_LINE) -> str:
    """One Lagrangian continuation line of ``length`` characters: distinct singlet terms."""
    parts, size, k = [], 0, 0
    while size < length:
        part = f" - s_{k} S^2" if k % 2 else f" - s_{k} (H^dagger H) S"
        parts.append(part)
        size += len(part)
        k += 1
    return " " + "".join(parts)[: length - 1]


async def first_diagnostics(text: str) -> tuple[float, int, dict[str, Any]]:
    """A fresh server, warmed up, then ``didOpen``: seconds to the first diagnostics."""
    client, _ = await started()
    while not (await status(client))["engineReady"]:
        await asyncio.sleep(0.05)
    opened = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="lagrangian", version=1, text=text
            )
        )
    )
    published = await client.wait_version(1, timeout=600)
    count = len(client.diagnostics.get(1, []))
    info = await status(client)
    await finish(client)
    return published - opened, count, info


def cpu_costs(text: str, rounds: int) -> dict[str, Any]:
    """CPU seconds of the server's pipeline, run here: first check, then check after edits."""
    from lagrangian.server.lsp.context import find_context
    from lagrangian.server.lsp.documents import build_snapshot
    from lagrangian.server.lsp.server import _warm_engine

    _warm_engine()
    began = time.process_time()
    snapshot = build_snapshot(URI, 1, text, "lag")
    first = time.process_time() - began
    snapshot.missing()
    after_edit = []
    for i in range(rounds):
        edited = text.replace("kappa_3 ", f"kappa_3{'z' * (i + 1)} ", 1)
        began = time.process_time()
        snapshot = build_snapshot(URI, i + 2, edited, "lag")
        snapshot.missing()
        find_context(snapshot, len(edited))
        after_edit.append(time.process_time() - began)
    return {"cpu_first_check_s": round(first, 4), "cpu_after_edit_s": _stats(after_edit)}


async def measure(rounds: int) -> dict[str, Any]:
    text = large_document()
    assert len(text.split("\n")) == LINES
    firsts, counts = [], set()
    for _ in range(3):
        seconds, count, _ = await first_diagnostics(text)
        firsts.append(seconds)
        counts.add(count)
    client, _ = await started()
    while not (await status(client))["engineReady"]:
        await asyncio.sleep(0.05)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="lagrangian", version=1, text=text
            )
        )
    )
    await client.wait_version(1, timeout=600)
    version, after_edit = 1, []
    target = "kappa_3 "
    for i in range(rounds):
        version += 1
        if i % 2:
            edited = text.replace("# notes on the model", f"# notes ({i}) on the model", 1)
        else:
            edited = text.replace(target, f"kappa_3{'x' * (i + 1)} ", 1)
        change(client, version, edited)
        seconds, _ = await complete(client, end_of(edited))
        after_edit.append(seconds)
    await client.wait_version(version, timeout=600)
    # The same document with one 100,000-character line inside the Lagrangian.
    marker = "  # dimension-5"
    long_text = text.replace(marker, long_line() + "\n" + marker, 1)
    version += 1
    changed = time.perf_counter()
    change(client, version, long_text)
    published = await client.wait_version(version, timeout=600)
    long_diagnostics = published - changed
    long_completion = []
    for i in range(max(rounds // 4, 5)):
        version += 1
        edited = long_text.replace(target, f"kappa_3{'y' * (i + 1)} ", 1)
        change(client, version, edited)
        seconds, _ = await complete(client, end_of(edited))
        long_completion.append(seconds)
    await client.wait_version(version, timeout=600)
    long_count = len(client.diagnostics.get(version, []))
    await finish(client)
    return {
        "document_lines": LINES,
        "diagnostics_count": sorted(counts),
        "first_diagnostics_s": _stats(firsts),
        "completion_after_edit_s": _stats(after_edit),
        "long_line_diagnostics_s": round(long_diagnostics, 4),
        "long_line_diagnostics_count": long_count,
        "long_line_completion_after_edit_s": _stats(long_completion),
        "load_average": os.getloadavg()[0],
        **cpu_costs(text, rounds),
    }


def report(result: dict[str, Any], previous: dict[str, Any] | None) -> None:
    print(
        f"document: {result['document_lines']} lines, diagnostics "
        f"{result['diagnostics_count']}; with the {LONG_LINE}-character line: "
        f"{result['long_line_diagnostics_count']} diagnostics in "
        f"{result['long_line_diagnostics_s'] * 1000:.0f} ms"
        + (
            f" (was {previous['long_line_diagnostics_s'] * 1000:.0f} ms)"
            if previous and "long_line_diagnostics_s" in previous
            else ""
        )
    )
    for key in (
        "first_diagnostics_s",
        "completion_after_edit_s",
        "long_line_completion_after_edit_s",
        "cpu_after_edit_s",
    ):
        print(stats_line(key, result, previous, 36))
    line = f"cpu_first_check_s {result['cpu_first_check_s'] * 1000:.0f} ms"
    if previous and "cpu_first_check_s" in previous:
        line += f" (was {previous['cpu_first_check_s'] * 1000:.0f} ms)"
    print(line)
    line = f"load average (1 min) at the end: {result['load_average']:.2f}"
    if previous and "load_average" in previous:
        line += f" (was {previous['load_average']:.2f})"
    print(line)


def main() -> int:
    parser = command_line(__doc__, 40)
    parser.add_argument("--write-document", type=Path, help="only write the document here")
    args = parser.parse_args()
    if args.write_document:
        args.write_document.write_text(large_document() + "\n" + long_line() + "\n")
        return 0
    return run(args, measure, report)


if __name__ == "__main__":
    sys.exit(main())

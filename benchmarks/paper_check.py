"""``check`` of a 300-term LaTeX document written as papers write it (issue 10 goal:
under 200 ms warm).

    python benchmarks/paper_check.py [--repeat 10] [--json out.json] [--compare prev.json]

The document: a scalar sector of four doublets, three real singlets and a real triplet
(the engine's complete Lagrangian, dressed with ``\\left(``, thin spaces, ``V =``, h.c. in
brackets) and the Standard Model fermions in four-component notation (``\\bar Q_L \\tilde H
u_R``, ``i\\slashed{D}``), in an ``align`` with ``&``, ``\\\\`` and ``\\nonumber``.  Timed:
reading the .tex text and checking every term, the work of ``lagrangian check FILE``
after start-up, and each half alone; warm means the engine's caches and the parser tables
are loaded (each run builds its own model and sampler, as ``check`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from lagrangian.grammar import parse_declarations, parse_document, parse_tex, print_term
from lagrangian.physics.api import engine_terms
from lagrangian.physics.checks import analyze
from lagrangian.physics.fields import build_model
from lagrangian.server.output import render_generated

SCALARS = (
    "scalar H1 (1,2,1/2); scalar H2 (1,2,1/2); scalar H3 (1,2,1/2); scalar H4 (1,2,1/2); "
    "scalar S1 (1,1,0) real; scalar S2 (1,1,0) real; scalar S3 (1,1,0) real; "
    "scalar T (1,3,0) real"
)
FERMIONS = (
    "% lagrangian: fermion Q_L (3,2,1/6) left; fermion u_R (3,1,2/3) right; "
    "fermion d_R (3,1,-1/3) right; fermion L_L (1,2,-1/2) left; fermion e_R (1,1,-1) right\n"
)
FOUR_COMPONENT = [
    r"\bar Q_L\, i\slashed{D}\, Q_L + \bar u_R\, i\gamma^\mu D_\mu u_R",
    r"\overline{d_R}\, i\not\!\!D\, d_R + \overline{L}_L i\slashed{D} L_L",
    r"\overline{e_R} i \slashed{D} e_R",
]
for n in range(1, 5):
    FOUR_COMPONENT.append(
        rf"\Big[ y_u^{{({n})}}\, \bar Q_L \tilde H{n} u_R + y_d^{{({n})}} \overline{{Q}}_L H{n} d_R"
        rf" + y_e^{{({n})}} \bar L_L H{n} e_R + \text{{h.c.}} \Big]"
    )


def document() -> tuple[str, int]:
    """The .tex text and the number of terms in it."""
    decls = parse_declarations(SCALARS)
    model, _ = build_model(decls.gauge, decls.fields)
    terms = engine_terms(model)
    directive = render_generated(model, terms, "latex").splitlines()[0]
    rows = []
    for engine in terms:
        printed = print_term(replace(engine.tree, hc=False), "latex")
        printed = printed.replace("(", r"\left(").replace(")", r"\right)").replace(" ", r"\, ")
        sign = "-" if printed.startswith("-") else "+"
        body = re.sub(r"^(?:-|\\,|\s)+", "", printed)  # the sign and thin spaces, not \left
        if engine.tree.hc:
            body = rf"\left[ {body} + {{\rm h.c.}} \right]"
        rows.append(f"{sign} {body}")
    rows += ["+ " + line for line in FOUR_COMPONENT]
    text = (
        f"{directive}\n{FERMIONS}\\begin{{align}}\n\\mathcal{{L}} ={{}}& "
        + " \\nonumber \\\\\n  & ".join(rows)
        + "\n\\end{align}\n"
    )
    count = len(analyze(parse_tex(text)).terms)
    return text, count


def baseline() -> str:
    """The scalar sector as plain ``.lag`` text: the same machine's reference figure."""
    decls = parse_declarations(SCALARS)
    model, _ = build_model(decls.gauge, decls.fields)
    return render_generated(model, engine_terms(model), "text")


def timed(check: Callable[[], object], repeat: int) -> dict[str, float]:
    """Median and minimum wall time, and median CPU time of this process, in milliseconds,
    after one warm-up run.  On a shared machine the CPU time is the steadier figure."""
    check()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        check()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "median_ms": 1000 * statistics.median(wall),
        "min_ms": 1000 * min(wall),
        "cpu_median_ms": 1000 * statistics.median(cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--compare", type=Path, help="an earlier --json to compare with")
    args = parser.parse_args()
    text, count = document()
    problems = [d for d in analyze(parse_tex(text)).diagnostics if d.severity != "information"]
    print(f"terms: {count}, diagnostics: {len(problems)}")
    lag = baseline()
    parsed = parse_tex(text)
    cases = {
        "paper-style .tex": lambda: analyze(parse_tex(text)),
        "  of which reading": lambda: parse_tex(text),
        "  of which checking": lambda: analyze(parsed),
        "scalar sector as .lag (reference)": lambda: analyze(parse_document(lag)),
    }
    earlier = json.loads(args.compare.read_text()) if args.compare else {}
    results = {}
    for name, check in cases.items():
        results[name] = figures = timed(check, args.repeat)
        line = (
            f"{name}, warm: median {figures['median_ms']:.0f} ms, "
            f"min {figures['min_ms']:.0f} ms, CPU {figures['cpu_median_ms']:.0f} ms"
        )
        if name in earlier:
            before = earlier[name]["cpu_median_ms"]
            line += f" (before: CPU {before:.0f} ms, x{before / figures['cpu_median_ms']:.2f})"
        print(line)
    print(f"machine load: {os.getloadavg()[0]:.1f}")
    print("goal for the paper-style document: < 200 ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()

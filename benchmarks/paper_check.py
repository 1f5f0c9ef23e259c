"""``check`` of a 300-term LaTeX document written as papers write it (issue 10 goal:
under 200 ms warm).

    python benchmarks/paper_check.py [--repeat 10]

The document: a scalar sector of four doublets, three real singlets and a real triplet
(the engine's complete Lagrangian, dressed with ``\\left(``, thin spaces, ``V =``, h.c. in
brackets) and the Standard Model fermions in four-component notation (``\\bar Q_L \\tilde H
u_R``, ``i\\slashed{D}``), in an ``align`` with ``&``, ``\\\\`` and ``\\nonumber``.  Timed:
reading the .tex text and checking every term, the work of ``lagrangian check FILE``
after start-up; warm means the engine's caches and the parser tables are loaded.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

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


def timed(check: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and minimum in milliseconds, after one warm-up run."""
    check()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        check()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), 1000 * min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    text, count = document()
    problems = [d for d in analyze(parse_tex(text)).diagnostics if d.severity != "information"]
    print(f"terms: {count}, diagnostics: {len(problems)}")
    lag = baseline()
    for name, check in [
        ("paper-style .tex", lambda: analyze(parse_tex(text))),
        ("scalar sector as .lag (reference)", lambda: analyze(parse_document(lag))),
    ]:
        median, best = timed(check, args.repeat)
        print(f"check of the {name}, warm: median {median:.0f} ms, min {best:.0f} ms")
    print("goal for the paper-style document: < 200 ms")


if __name__ == "__main__":
    main()

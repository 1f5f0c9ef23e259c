"""Parser speed: ``python -m lagrangian.grammar.bench [--json OUT] [--compare PREVIOUS]``.

Times the cases the language server and the command line care about: a 300-term document
in each syntax (the goal is well under 50 ms), the same with broken terms (error recovery),
a 5,000-term document and one very long line (both must stay linear), and printing.  Each
case reports the median and the best of several runs in milliseconds; ``--compare`` reads
an earlier ``--json`` output and prints the ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from lagrangian.grammar.document import parse_document
from lagrangian.grammar.printer import print_document
from lagrangian.grammar.tex import parse_tex

_HEADER = "scalar H (1, 2, 1/2)\nscalar Delta (1, 3, 1)\nfermion L (1, 2, -1/2) left\n"
_TERMS = [
    ("(D_mu H)^dagger (D^mu H)", r"(D_\mu H)^\dagger (D^\mu H)"),
    ("- m2 H^dagger H", r"- m^2 H^\dagger H"),
    ("- lambda (H^dagger H)^2", r"- \lambda (H^\dagger H)^2"),
    ("+ i L^dagger sigmabar^mu D_mu L", r"+ i L^\dagger \bar\sigma^\mu D_\mu L"),
    (
        "+ mu (H^T eps Delta^dagger H) + h.c.",
        r"+ \mu (H^T \epsilon \Delta^\dagger H) + \text{h.c.}",
    ),
    ("+ y_Delta L L Delta + h.c.", r"+ y_\Delta L L \Delta + \text{h.c.}"),
    ("- 1/4 G_{mu nu} G^{mu nu}", r"- \frac{1}{4} G_{\mu\nu} G^{\mu\nu}"),
    ("+ c eps_{ij} H^i H^j", r"+ c \epsilon_{ij} H^i H^j"),
    ("+ k H^dagger_i H^i", r"+ k H^\dagger_i H^i"),
]


def lag_document(n: int, broken_every: int = 0) -> str:
    """``n`` terms cycling through typical ones; every ``broken_every``-th has a stray ')'."""
    lines = []
    for k in range(n):
        term = _signed(_TERMS[k % len(_TERMS)][0])
        if broken_every and k % broken_every == broken_every - 1:
            term += " )"
        lines.append(f"L = {term}" if k == 0 else f"  {term}")
    return _HEADER + "\n".join(lines) + "\n"


def tex_document(n: int) -> str:
    body = "\n  ".join(_signed(_TERMS[k % len(_TERMS)][1]) for k in range(n))
    directive = "% lagrangian: " + _HEADER.strip().replace("\n", "; ")
    math = "\\mathcal{L} = " + body
    return f"{directive}\n\\begin{{equation}}\n{math}\n\\end{{equation}}\n"


def _signed(term: str) -> str:
    return term if term.startswith(("+", "-")) else "+ " + term


def _time(action: Callable[[], object], repeat: int) -> dict[str, float]:
    action()  # warm: grammar tables loaded, caches filled
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(runs), "best_ms": min(runs)}


def run(repeat: int) -> dict[str, dict[str, float]]:
    lag300, tex300 = lag_document(300), tex_document(300)
    broken300, lag5000 = lag_document(300, broken_every=10), lag_document(5000)
    long_line = "L = " + "H^dagger_i " * 50_000
    parsed = parse_document(lag300)
    cases: dict[str, Callable[[], object]] = {
        "parse .lag, 300 terms": lambda: parse_document(lag300),
        "parse .tex, 300 terms": lambda: parse_tex(tex300),
        "parse .lag, 300 terms, 30 broken": lambda: parse_document(broken300),
        "parse .lag, 5000 terms": lambda: parse_document(lag5000),
        "parse one line of 50000 factors": lambda: parse_document(long_line),
        "print text, 300 terms": lambda: print_document(parsed),
        "print LaTeX, 300 terms": lambda: print_document(parsed, "latex"),
    }
    slow = {"parse .lag, 5000 terms", "parse one line of 50000 factors"}
    return {
        name: _time(action, max(repeat // 5, 2) if name in slow else repeat)
        for name, action in cases.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per case (default 20)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--compare", type=Path, help="an earlier --json output to compare with")
    args = parser.parse_args(argv)
    results = run(args.repeat)
    previous = json.loads(args.compare.read_text()) if args.compare else {}
    for name, numbers in results.items():
        line = (
            f"{name:36s} median {numbers['median_ms']:9.2f} ms   best {numbers['best_ms']:9.2f} ms"
        )
        if name in previous:
            ratio = numbers["median_ms"] / previous[name]["median_ms"]
            line += f"   {ratio:5.2f}x the previous median"
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

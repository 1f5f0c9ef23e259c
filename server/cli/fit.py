"""``lagrangian fit``: discover a closed-form equation for a data column with LLM-SR.

    lagrangian fit DATA.csv --target COL --inputs A,B [--test TEST.csv] [--sigma COL]
        [--describe TEXT] [--llm builtin|URL|PATH] [--budget N] [--seed S]
        [--format text|json] [--out RUN.json]
    lagrangian fit --benchmark NAME      (qed, a0, a4 and their -mc variants; a0-qqbar, a0-qg,
        a2-lamtung, a4-mass, cs-angular)
    lagrangian fit --resume RUN.json [--budget N]

A progress bar goes to stderr (when it is a terminal); stdout gets the result only, so
``--format json`` output can be piped.  When the search found nothing (the backend produced
no programs, or no candidate beat the starting skeleton) the command says so in one line on
stderr and exits with status 1; the JSON, if asked for, still says why.  The engine is
imported when the command runs, not when ``lagrangian --help`` builds the parser.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lagrangian.server.cli import CliError

_JSON_HELP = (
    'json prints {"best": {"expression", "latex", "params", "nmse_train", "nmse_test", '
    '"program"}, "candidates", "rejected", "seconds", "stopped", "failure"}; '
    "exit status 1 when nothing better than the starting skeleton was found"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fit",
        help="discover a closed-form equation for data with LLM-SR",
        description=(
            "Fit a compact closed-form equation to a column of a CSV file by LLM-guided "
            "symbolic regression (LLM-SR). Without --llm a built-in proposer is used, which "
            "needs no language model."
        ),
        epilog=_JSON_HELP,
    )
    parser.add_argument("data", nargs="?", metavar="DATA.csv", help="table with a header row")
    parser.add_argument("--target", metavar="COL", help="column to model")
    parser.add_argument("--inputs", metavar="A,B", help="comma-separated input columns")
    parser.add_argument(
        "--test", metavar="TEST.csv", help="held-out data (default: random 20%% split)"
    )
    parser.add_argument("--sigma", metavar="COL", help="column of uncertainties (fit by chi²)")
    parser.add_argument("--describe", metavar="TEXT", default="", help="what the data describes")
    parser.add_argument(
        "--llm",
        metavar="builtin|URL|PATH",
        help="proposer: builtin (default), an OpenAI-compatible URL "
        "(model and key from LAGRANGIAN_LLM_MODEL / LAGRANGIAN_LLM_API_KEY), or a model folder",
    )
    parser.add_argument("--budget", type=int, metavar="N", help="candidate programs (default 400)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed (default 0)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--out", metavar="RUN.json", help="save (and checkpoint) the run here")
    parser.add_argument("--benchmark", metavar="NAME", help="run a built-in HEP benchmark")
    parser.add_argument("--resume", metavar="RUN.json", help="continue a saved run")
    parser.add_argument("--workers", type=int, metavar="N", help="sandbox processes (default 2)")
    parser.add_argument(
        "--selection",
        choices=("bic", "aicc", "aic", "loss"),
        help="how the final equation is chosen among all fitted ones (default bic)",
    )
    parser.set_defaults(func=run)


def _request(args: argparse.Namespace) -> Any:
    from lagrangian.llmsr.api import FitRequest
    from lagrangian.llmsr.config import SearchConfig

    if args.benchmark and args.data:
        raise CliError("give either DATA.csv or --benchmark NAME, not both")
    if not (args.data or args.benchmark or args.resume):
        raise CliError(
            "give DATA.csv with --target and --inputs, --benchmark NAME, or --resume RUN.json"
        )
    if args.budget is not None and args.budget < 1:
        raise CliError("--budget must be at least 1")
    inputs = tuple(c.strip() for c in (args.inputs or "").split(",") if c.strip())
    config = SearchConfig()
    if args.workers is not None:
        if args.workers < 1:
            raise CliError("--workers must be at least 1")
        config = config.replace(sandbox=config.sandbox.__class__(workers=args.workers))
    if args.selection is not None:
        config = config.replace(selection=args.selection)
    return FitRequest(
        data=args.data,
        target=args.target,
        inputs=inputs,
        test=args.test,
        sigma=args.sigma,
        describe=args.describe,
        llm=args.llm,
        budget=args.budget,
        seed=args.seed,
        out=args.out,
        benchmark=args.benchmark,
        resume=args.resume,
        config=config,
    )


def run(args: argparse.Namespace) -> int:
    from lagrangian.llmsr.api import fit_equation
    from lagrangian.llmsr.errors import LlmsrError

    request = _request(args)
    bar = _ProgressBar()
    try:
        result = fit_equation(request, progress=bar.update)
    except LlmsrError as error:
        raise CliError(str(error)) from None
    finally:
        bar.close()
    if args.format == "json":
        print(json.dumps(result.summary(), indent=2))
    elif not result.failure:
        _print_text(result, request.out)
    if result.failure:
        print(f"lagrangian fit: nothing found: {result.failure}", file=sys.stderr)
        return 1
    return 0


class _ProgressBar:
    """A tqdm bar on stderr, created on the first progress report (after data loaded)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def update(self, progress: Any) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=progress.budget, unit="prog", file=sys.stderr, disable=None)
            self._bar.update(progress.candidates - self._bar.n)
        self._bar.update(progress.candidates - self._bar.n)
        if progress.best_nmse_train is not None:
            self._bar.set_postfix(
                nmse=f"{progress.best_nmse_train:.3g}", rejected=progress.rejected
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _print_text(result: Any, out: str | None) -> None:
    best = result.best
    lines = [
        f"best: {best.expression}",
        f"latex: {best.latex}",
        f"params: {', '.join(f'{p:.6g}' for p in best.params) or 'none'}",
        f"NMSE: train {_number(best.nmse_train)}, test {_number(best.nmse_test)}",
        "program:",
        best.program.rstrip(),
    ]
    if result.benchmark:
        lines.insert(0, f"benchmark {result.benchmark['name']}: {result.benchmark['summary']}")
        lines.insert(1, f"truth: {result.benchmark['truth']}")
    stats = result.backend
    lines.append(
        f"{result.candidates} candidates ({result.rejected} rejected) in {result.seconds:.1f} s "
        f"with the {stats['name']} proposer; stopped: {result.stopped}"
    )
    if out:
        lines.append(f"run saved to {out}")
    print("\n".join(lines))

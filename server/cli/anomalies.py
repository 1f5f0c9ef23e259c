"""``lagrangian anomalies``: the gauge, gravitational and Witten anomalies of the fermions.

Prints one row per anomaly coefficient (text table or ``--format json``); exit status 1
when any of them fails to cancel, so a build can require an anomaly-free field content.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "anomalies",
        help="list the anomaly coefficients of the declared fermions",
        description="Gauge anomalies [SU(N)]^3, [SU(N)]^2 U(1), U(1)^3 and mixed U(1)s, "
        "the gravitational U(1) anomaly and Witten's SU(2) anomaly of the declared Weyl "
        "fermions, flavours included.",
    )
    parser.add_argument("file", nargs="?", type=Path, help=".lag or .tex file with declarations")
    parser.add_argument("--fields", metavar="DECLS", help='declarations separated by ";"')
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lagrangian.physics.anomalies import anomalies
    from lagrangian.server.cli.sources import load_model

    rows = anomalies(load_model(args.file, args.fields))
    if args.format == "json":
        payload = {
            "anomalies": [
                {
                    "name": a.name,
                    "value": str(a.value),
                    "kind": "global" if a.global_ else "gauge",
                    "cancels": a.cancels,
                    "fields": list(a.fields),
                }
                for a in rows
            ],
            "anomaly_free": all(a.cancels for a in rows),
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(_table(rows))
    return 0 if all(a.cancels for a in rows) else 1


def _table(rows: list[Any]) -> str:
    if not rows:
        return "no fermions: nothing can be anomalous\n"
    width = max(len(a.name) for a in rows)
    lines = []
    for a in rows:
        verdict = "ok" if a.cancels else ("ODD" if a.global_ else "ANOMALOUS")
        rule = "  (must be even)" if a.global_ else ""
        lines.append(f"{a.name:<{width}}  {a.value!s:>8}  {verdict}{rule}")
    bad = sum(not a.cancels for a in rows)
    lines.append("anomaly free" if not bad else f"{bad} anomal{'y' if bad == 1 else 'ies'}")
    return "\n".join(lines) + "\n"

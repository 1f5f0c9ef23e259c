"""The 2-field mixing probe: does a checkpoint write the bilinears that join two fields?

    python benchmarks/mixing_probe.py --model RUN --data DIR [--split test] [--limit N]
        [--threads 1] [--no-constrained] [--max-new-tokens 192] [--json out.json]

Mass mixing and vector-like masses (a bilinear of two different fields) need the model to
see that two charges cancel; a field's own mass term (the field with its conjugate, or a
neutral field twice) does not.  Issue 17 found the first written 51% of the time against
99.5% for the second.  On the 2-field sets of a split, this prints per kind the share of
true bilinears the model wrote (recall) and the bilinears it wrote that are not in the
truth, and the share of the 2-field Lagrangians it got exactly right (greedy, verified).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def bilinears(terms: Counter[object]) -> dict[str, set[object]]:
    """Two-object monomials of a canonical term multiset, by kind ("mixing": two fields)."""
    out: dict[str, set[object]] = {"mixing": set(), "own": set()}
    for term in terms:
        objects = getattr(term, "objects", ())
        if getattr(term, "kind", None) == "potential" and len(objects) == 2:
            out["mixing" if objects[0][0] != objects[1][0] else "own"].add(objects)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="checkpoint folder")
    parser.add_argument("--data", type=Path, required=True, help="dataset folder")
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, help="at most this many 2-field sets")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument(
        "--constrained", action=argparse.BooleanOptionalAction, help="default: the format's"
    )
    parser.add_argument(
        "--max-new-tokens", type=int, default=192, help="2-field targets are under 120 tokens"
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    from lagrangian.model.checkpoint import load_checkpoint
    from lagrangian.model.codec import codec_by_name
    from lagrangian.model.device import set_cpu_threads
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import generate
    from lagrangian.training.dataset import read_split
    from lagrangian.training.evaluate import _model, canonical_terms

    set_cpu_threads(args.threads)
    loaded = load_checkpoint(args.model, device="cpu")
    name = loaded.metadata.codec
    codec = codec_by_name(name)
    records = [r for r in read_split(args.data, args.split) if int(r["n_fields"]) == 2]
    records = records[: args.limit]
    models = [_model(r["fields"]) for r in records]
    settings = GenerationSettings(
        window=0, constrained=args.constrained, max_new_tokens=args.max_new_tokens
    )
    results = generate(models, loaded, settings)
    found: dict[str, Counter[str]] = {"mixing": Counter(), "own": Counter()}
    exact = 0
    for record, model, result in zip(records, models, results):
        truth = canonical_terms(codec, record[f"tgt_{name}"].split(), model)
        answer = canonical_terms(codec, result.output)
        exact += truth == answer
        wanted, written = bilinears(truth), bilinears(answer)
        for kind in found:
            found[kind]["true"] += len(wanted[kind])
            found[kind]["written"] += len(wanted[kind] & written[kind])
            found[kind]["extra"] += len(written[kind] - wanted[kind])
    report = {
        "checkpoint": str(args.model),
        "codec": name,
        "constrained": any(r.info["constrained"] for r in results),
        "two_field_sets": len(records),
        "exact": round(exact / max(1, len(records)), 4),
        **{
            kind: {**c, "recall": round(c["written"] / max(1, c["true"]), 4)}
            for kind, c in found.items()
        },
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Training data at scale: trainer memory and tokens/s, build throughput, bytes per example.

    python benchmarks/training_data.py memory --examples 100000 [--input jsonl|arrow]
    python benchmarks/training_data.py speed --examples 4000 --steps 30
    python benchmarks/training_data.py loader --examples 20000 --batches 500
    python benchmarks/training_data.py build --n 200 --workers 1
    python benchmarks/training_data.py compare OLD.json NEW.json

Every command runs ``lagrangian`` in a child process and measures that process: peak RSS
(``ru_maxrss`` from ``wait4``; the anonymous and file-backed parts sampled from /proc, since
the pages of a memory-mapped file count in RSS but are the kernel's to drop), CPU seconds
(the child and the workers it reaped), wall time, and the tokens/s the trainer logged.
``loader`` times the data pipeline alone (reading the split, then planning and collating
batches, no model) in CPU time, which a loaded machine disturbs far less than the tokens/s
of whole training steps, and the share of real tokens in the padded batches.  ``--json FILE``
writes the numbers; ``compare`` prints two such files side by side.

``--source DIR`` runs the ``lagrangian`` of another checkout instead of this one, so the old
loader is measured on the same data by the same script::

    git archive 4e7ada5 | (mkdir -p /tmp/old && tar -x -C /tmp/old)
    python benchmarks/training_data.py memory --examples 100000 --source /tmp/old --json old.json

Training data is synthetic (the ``synthetic`` codec of ``model_synthetic.py``) with the
length distribution of the real compact format: targets log-normal with median 165 and mean
393 tokens (p95 about 1,400, as in docs/model.md), sources 12-35 tokens; validation is a
fixed 64 examples so that the end-of-run evaluation does not dominate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUBPACKAGES = ("grammar", "physics", "model", "training", "llmsr", "server")
VALIDATION = 64


def _site(source: Path | None, scratch: Path) -> str:
    """A PYTHONPATH under which ``lagrangian`` is the checkout ``source`` (default: this one,
    as installed)."""
    paths = [str(HERE)]
    if source is not None:
        package = scratch / "site" / "lagrangian"
        package.mkdir(parents=True)
        (package / "__init__.py").symlink_to(source.resolve() / "package" / "__init__.py")
        for name in SUBPACKAGES:
            (package / name).symlink_to(source.resolve() / name)
        paths.insert(0, str(package.parent))
    return os.pathsep.join(paths)


def _status_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def run_measured(argv: list[str], pythonpath: str, log: Path) -> dict[str, float]:
    """Run ``python -m lagrangian.server.cli ARGV`` and measure it (see the module doc)."""
    env = {**os.environ, "PYTHONPATH": pythonpath, "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "lagrangian.server.cli", *argv]
    peaks = {"RssAnon": 0, "RssFile": 0}
    start = time.perf_counter()
    with log.open("w") as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                child.returncode = os.waitstatus_to_exitcode(status)
                break
            for key, value in _status_kb(child.pid).items():
                peaks[key] = max(peaks[key], value)
            time.sleep(0.1)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{log.read_text()[-3000:]}")
    return {
        "wall_s": round(time.perf_counter() - start, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_anon_mb": round(peaks["RssAnon"] / 1024, 1),
        "peak_file_mb": round(peaks["RssFile"] / 1024, 1),
    }


def _examples(count: int, seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Token ids (of the synthetic vocabulary) with the real compact length distribution."""
    from model_synthetic import WORDS

    rng = np.random.default_rng(seed)
    tgt_lengths = np.clip(rng.lognormal(np.log(165), 1.32, count), 4, 20000).astype(int)
    src_lengths = rng.integers(12, 36, count)
    high = len(WORDS)
    return (
        [rng.integers(0, high, n) for n in src_lengths],
        [rng.integers(0, high, n) for n in tgt_lengths],
    )


def write_data(folder: Path, examples: int, kind: str) -> Path:
    """``train`` and ``validation`` splits of synthetic data as JSON lines or Arrow."""
    from model_synthetic import WORDS, SyntheticCodec

    from lagrangian.model.tokenizer import id_table
    from lagrangian.training.token_store import SplitWriter, record_batch, schema

    folder.mkdir(parents=True, exist_ok=True)
    words = np.array(WORDS)
    table = id_table(SyntheticCodec())
    file_schema = schema({"synthetic": table}, ())
    for split, count, seed in (("train", examples, 0), ("validation", VALIDATION, 1)):
        done = 0
        if kind == "jsonl":
            stream = (folder / f"{split}.jsonl").open("w")
        else:
            writer = SplitWriter(folder / f"{split}.arrow", file_schema)
        while done < count:
            part = min(10_000, count - done)
            sources, targets = _examples(part, seed * 1_000_003 + done)
            if kind == "jsonl":
                for src, tgt in zip(sources, targets, strict=True):
                    record = {
                        "src_synthetic": " ".join(words[src]),
                        "tgt_synthetic": " ".join(words[tgt]),
                    }
                    stream.write(json.dumps(record) + "\n")
            else:  # ids as the tokenizer numbers them: 4 special tokens, then the words
                rows = [
                    {"src_synthetic": np.r_[0, src + 4, 2], "tgt_synthetic": np.r_[0, tgt + 4, 2]}
                    for src, tgt in zip(sources, targets, strict=True)
                ]
                writer.write(record_batch(file_schema, rows))
            done += part
        if kind == "jsonl":
            stream.close()
        else:
            writer.close()
    return folder


def _train(args: argparse.Namespace, scratch: Path, steps: int, log_every: int) -> dict[str, Any]:
    data = args.data or write_data(scratch / "data", args.examples, args.input)
    argv = ["train", "--data", str(data), "--out", str(scratch / "run"), "--format", "synthetic"]
    argv += ["--codec", "model_synthetic:SyntheticCodec", "--device", "cpu", "--cpu-threads", "1"]
    argv += ["--batch-size", str(args.batch_size), "--max-steps", str(steps)]
    argv += ["--log-every", str(log_every), "--save-every", str(steps), "--warmup-steps", "1"]
    result = run_measured(argv, _site(args.source, scratch), scratch / "train.log")
    metrics = scratch / "run" / "metrics.jsonl"
    records = [json.loads(line) for line in metrics.read_text().splitlines()]
    rates = [r["tokens_per_s"] for r in records if r["event"] == "train"]
    result["tokens_per_s_windows"] = rates
    result["tokens_per_s_median"] = statistics.median(rates[1:] or rates)
    result["examples"] = args.examples
    result["input"] = args.input if args.data is None else str(args.data)
    return result


def cmd_memory(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    return _train(args, scratch, args.steps, args.steps)


def cmd_speed(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    return _train(args, scratch, args.steps, args.log_every)


def _loader_child(folder: Path, batches: int, batch_size: int) -> None:
    """Run in the measured process: read the split, then plan and collate ``batches``."""
    from itertools import islice

    from model_synthetic import SyntheticCodec

    from lagrangian.model.tokenizer import tokenizer_for_codec
    from lagrangian.training import train

    tokenizer = tokenizer_for_codec(SyntheticCodec(), 1024)
    start = time.process_time()
    if hasattr(train, "read_split"):  # the loader before Arrow: the split in memory
        split = train.read_split(folder / "train.jsonl", "synthetic", tokenizer, 1024)
        opened = time.process_time()
        plan = train.epoch_batches(split.lengths(), batch_size, 0, 0)
        made = (train.collate(split, b, tokenizer.pad_id) for b in plan[:batches])
    else:
        from lagrangian.training.loader import EpochPlan, collate, open_split

        words, cache = tokenizer.words, folder.parent / "tokens"
        split = open_split(folder, "train", "synthetic", words, 1024, cache)
        opened = time.process_time()
        stream = EpochPlan(split.sizes, batch_size, 0, 0).for_rank(split.rows)
        made = (collate(split.pairs(b), tokenizer.pad_id) for b in islice(stream, batches))
    real = padded = 0
    for batch in made:
        real += int(batch["attention_mask"].sum()) + int((batch["labels"] != -100).sum())
        padded += batch["input_ids"].numel() + batch["labels"].numel()
    done = time.process_time()
    result = {
        "open_cpu_s": round(opened - start, 2),
        "cpu_ms_per_batch": round(1000 * (done - opened) / batches, 3),
        "real_token_share": round(real / padded, 4),
    }
    print(json.dumps(result))


def cmd_loader(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    data = args.data or write_data(scratch / "data", args.examples, args.input)
    argv = [sys.executable, str(Path(__file__)), "loader-child", str(data)]
    argv += ["--batches", str(args.batches), "--batch-size", str(args.batch_size)]
    env = {**os.environ, "PYTHONPATH": _site(args.source, scratch), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    result = json.loads(done.stdout.splitlines()[-1])
    result.update(examples=args.examples, batches=args.batches, batch_size=args.batch_size)
    return result


def _split_bytes(folder: Path, suffix: str) -> int:
    return sum((folder / f"{s}{suffix}").stat().st_size for s in ("train", "validation", "test"))


def cmd_build(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    out = scratch / "data"
    argv = ["dataset", "build", "--n", str(args.n), "--max-fields", str(args.max_fields)]
    argv += ["--seed", str(args.seed), "--workers", str(args.workers), "--no-progress"]
    argv += ["--out", str(out), "--shard-size", str(args.shard_size)]
    result = run_measured(argv, _site(args.source, scratch), scratch / "build.log")
    summary = json.loads((out / "summary.json").read_text())
    examples = summary["examples"]
    result.update(n=args.n, workers=args.workers, examples=examples)
    result["examples_per_cpu_s"] = round(args.n / result["cpu_s"], 1)
    result["examples_per_wall_s"] = round(args.n / result["wall_s"], 2)
    if (out / "train.arrow").exists():
        from lagrangian.training.dataset import read_split

        jsonl = sum(
            len(json.dumps(r)) + 1
            for split in ("train", "validation", "test")
            for r in read_split(out, split)
        )
        result["bytes_per_example_arrow"] = round(_split_bytes(out, ".arrow") / examples)
        result["bytes_per_example_jsonl"] = round(jsonl / examples)
    else:
        result["bytes_per_example_jsonl"] = round(_split_bytes(out, ".jsonl") / examples)
    return result


def cmd_compare(args: argparse.Namespace) -> int:
    runs = [json.loads(Path(p).read_text()) for p in args.files]
    names = [Path(p).stem for p in args.files]
    keys = [k for k in runs[0] if all(isinstance(r.get(k), int | float) for r in runs)]
    width = max(16, *(len(n) + 2 for n in names))
    print(f"{'':28}" + "".join(f"{n:>{width}}" for n in names) + f"{'last/first':>12}")
    for key in keys:
        values = [r[key] for r in runs]
        ratio = f"{values[-1] / values[0]:>12.2f}" if values[0] else ""
        print(f"{key:28}" + "".join(f"{v:>{width}}" for v in values) + ratio)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("memory", "speed"):
        sub = commands.add_parser(name)
        sub.add_argument("--examples", type=int, default=100_000 if name == "memory" else 4000)
        sub.add_argument("--input", choices=["jsonl", "arrow"], default="jsonl")
        sub.add_argument("--data", type=Path, help="use this dataset folder instead")
        sub.add_argument("--steps", type=int, default=3 if name == "memory" else 30)
        sub.add_argument("--log-every", type=int, default=5)
        sub.add_argument("--batch-size", type=int, default=16)
    loader = commands.add_parser("loader")
    loader.add_argument("--examples", type=int, default=20_000)
    loader.add_argument("--input", choices=["jsonl", "arrow"], default="jsonl")
    loader.add_argument("--data", type=Path, help="use this dataset folder instead")
    loader.add_argument("--batches", type=int, default=500)
    loader.add_argument("--batch-size", type=int, default=16)
    build = commands.add_parser("build")
    build.add_argument("--n", type=int, default=200)
    build.add_argument("--max-fields", type=int, default=6)
    build.add_argument("--workers", type=int, default=1)
    build.add_argument("--shard-size", type=int, default=25)
    build.add_argument("--seed", type=int, default=0)
    for sub in (*commands.choices.values(),):
        sub.add_argument("--source", type=Path, help="measure this checkout's lagrangian")
        sub.add_argument("--json", type=Path, help="write the numbers here")
    compare = commands.add_parser("compare")
    compare.add_argument("files", nargs="+", help="--json outputs, oldest first")
    child = commands.add_parser("loader-child", help=argparse.SUPPRESS)
    child.add_argument("folder", type=Path)
    child.add_argument("--batches", type=int)
    child.add_argument("--batch-size", type=int)
    args = parser.parse_args()
    if args.command == "compare":
        return cmd_compare(args)
    if args.command == "loader-child":
        _loader_child(args.folder, args.batches, args.batch_size)
        return 0
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        commands_by_name = {
            "memory": cmd_memory, "speed": cmd_speed, "loader": cmd_loader, "build": cmd_build
        }  # fmt: skip
        command = commands_by_name[args.command]
        result = command(args, Path(scratch))
    result["load_average_before"] = [round(x, 2) for x in load]
    result["source"] = str(args.source or ROOT)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

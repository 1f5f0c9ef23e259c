"""Building (fields -> Lagrangian) datasets with the exact engine as the teacher.

Work is cut into shards of a fixed size; shard ``k`` draws its field sets from its own
generator seeded by ``(seed, k)``, so a dataset is the same for a seed whatever the number
of workers, and an interrupted build resumes by skipping shards already on disk (each shard
is written to a temporary name and renamed, so a file that exists is complete).

Field sets are deduplicated up to the order and names of the fields, and each distinct set
goes to one split chosen by a hash of its content, so no field set of the test split was
seen in training.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lagrangian.training.sampling import PROFILES, FieldSpec, Strategy, profile_config

SPLITS = ("train", "validation", "test")
FEATURES = ("trilinear", "yukawa", "fermion_mass", "linear")


@dataclass(frozen=True)
class BuildSettings:
    """What to build; ``split_shares`` are the validation and test fractions."""

    n: int
    max_fields: int = 6
    min_fields: int = 1
    sampling: Strategy = "enriched"
    profile: str = "wide"
    seed: int = 0
    shard_size: int = 250
    validation_share: float = 0.05
    test_share: float = 0.05

    def check(self) -> None:
        if self.n < 1:
            raise ValueError("--n must be at least 1")
        if not 1 <= self.min_fields <= self.max_fields:
            raise ValueError("need 1 <= min fields <= max fields")
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; choose {', '.join(PROFILES)}")
        if self.shard_size < 1:
            raise ValueError("the shard size must be at least 1")
        if not 0 <= self.validation_share + self.test_share < 1:
            raise ValueError("validation and test shares must add up to less than 1")


def field_set_key(fields: Iterable[FieldSpec]) -> str:
    """The content of a field set, independent of field order and names."""
    parts = sorted(
        f"{f.kind}:{f.su3}:{f.su2}:{f.charge}:{f.helicity}:{int(f.real)}" for f in fields
    )
    return ";".join(parts)


def split_of(key: str, settings: BuildSettings) -> str:
    """The split a field set belongs to: a stable function of its content."""
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64
    if bucket < settings.test_share:
        return "test"
    if bucket < settings.test_share + settings.validation_share:
        return "validation"
    return "train"


def example_record(fields: list[FieldSpec]) -> dict[str, Any]:
    """One dataset line: declarations, both token formats, and what the Lagrangian has."""
    from lagrangian.model.codec import join_tokens
    from lagrangian.model.codec_bartl import BartLCodec
    from lagrangian.model.codec_compact import CompactCodec
    from lagrangian.model.codec_operators import OperatorsCodec
    from lagrangian.physics.lagrangian import complete_lagrangian
    from lagrangian.training.sampling import declarations, to_model

    model = to_model(fields)
    terms = complete_lagrangian(model)
    record: dict[str, Any] = {
        "fields": declarations(fields),
        "n_fields": len(fields),
        "key": field_set_key(fields),
        "kinds": dict(Counter(t.kind for t in terms)),
        "singlet": any(f.is_gauge_singlet for f in model.fields),
    }
    for codec in (BartLCodec(), CompactCodec(), OperatorsCodec()):
        record[f"src_{codec.name}"] = join_tokens(codec.encode_fields(model))
        record[f"tgt_{codec.name}"] = join_tokens(codec.encode_terms(model, terms))
    return record


def _shard_path(out: Path, index: int) -> Path:
    return out / "shards" / f"shard-{index:05d}.jsonl"


def build_shard(task: tuple[BuildSettings, Path, int]) -> int:
    """Write shard ``index`` unless it exists; returns the shard index (for progress)."""
    from lagrangian.training.sampling import sample_fields

    settings, out, index = task
    path = _shard_path(out, index)
    if path.exists():
        return index
    rng = random.Random(f"{settings.seed}:{index}")
    config = profile_config(settings.profile, settings.min_fields, settings.max_fields)
    count = min(settings.shard_size, settings.n - index * settings.shard_size)
    lines = [
        json.dumps(example_record(sample_fields(rng, config, settings.sampling)))
        for _ in range(count)
    ]
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(path)
    return index


def _progress(iterable: Iterable[int], total: int, enabled: bool) -> Iterator[int]:
    if not enabled:
        yield from iterable
        return
    from tqdm import tqdm

    yield from tqdm(iterable, total=total, unit="shard", desc="building", leave=False)


def build_dataset(
    out: Path, settings: BuildSettings, workers: int = 1, progress: bool = True
) -> dict[str, Any]:
    """Build (or resume) a dataset in ``out``; returns the summary also written to
    ``out/summary.json``.  A folder built with other settings is refused."""
    settings.check()
    out.mkdir(parents=True, exist_ok=True)
    (out / "shards").mkdir(exist_ok=True)
    recorded = out / "settings.json"
    wanted = asdict(settings)
    if recorded.exists() and json.loads(recorded.read_text(encoding="utf-8")) != wanted:
        raise ValueError(f"{out} holds a dataset built with other settings; use a new folder")
    recorded.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    shards = -(-settings.n // settings.shard_size)
    tasks = [(settings, out, k) for k in range(shards) if not _shard_path(out, k).exists()]
    if workers > 1 and len(tasks) > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for _ in _progress(pool.imap_unordered(build_shard, tasks), len(tasks), progress):
                pass
    else:
        for _ in _progress(map(build_shard, tasks), len(tasks), progress):
            pass
    return _merge(out, settings, shards)


def _merge(out: Path, settings: BuildSettings, shards: int) -> dict[str, Any]:
    seen: set[str] = set()
    rows: dict[str, list[dict[str, Any]]] = {split: [] for split in SPLITS}
    duplicates = 0
    for k in range(shards):
        for line in _shard_path(out, k).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["key"] in seen:
                duplicates += 1
                continue
            seen.add(record["key"])
            rows[split_of(record["key"], settings)].append(record)
    for split, records in rows.items():
        text = "".join(json.dumps(r) + "\n" for r in records)
        (out / f"{split}.jsonl").write_text(text, encoding="utf-8")
    summary = summarize([r for records in rows.values() for r in records])
    summary["settings"] = asdict(settings)
    summary["splits"] = {split: len(records) for split, records in rows.items()}
    summary["duplicates_dropped"] = duplicates
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _lengths(values: list[int]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 1),
        "median": float(statistics.median(ordered)),
        "p95": float(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]),
        "max": float(ordered[-1]),
    }


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Shares of Lagrangians with each feature, mean term counts, token lengths."""
    if not records:
        return {"examples": 0}
    total = len(records)
    kinds: Counter[str] = Counter()
    having: Counter[str] = Counter()
    for r in records:
        kinds.update(r["kinds"])
        having.update(k for k, v in r["kinds"].items() if v)
    shares = {kind: round(having[kind] / total, 4) for kind in FEATURES}
    shares["singlet"] = round(sum(r["singlet"] for r in records) / total, 4)
    lengths = {
        key: _lengths([len(r[key].split()) for r in records])
        for key in ("src_bartl", "tgt_bartl", "src_compact", "tgt_compact", "tgt_operators")
        if key in records[0]
    }
    return {
        "examples": total,
        "fields": dict(sorted(Counter(r["n_fields"] for r in records).items())),
        "shares_with": shares,
        "mean_terms_per_lagrangian": {k: round(v / total, 3) for k, v in sorted(kinds.items())},
        "token_lengths": lengths,
        "compact_over_bartl_target": round(
            lengths["tgt_bartl"]["mean"] / lengths["tgt_compact"]["mean"], 2
        ),
        **(
            {
                "operators_over_compact_target": round(
                    lengths["tgt_operators"]["mean"] / lengths["tgt_compact"]["mean"], 3
                )
            }
            if "tgt_operators" in lengths
            else {}
        ),
    }


def compare_sampling(n: int, max_fields: int, seed: int, profile: str = "wide") -> dict[str, Any]:
    """Feature shares of ``n`` uniform and ``n`` enriched field sets (same seed)."""
    from lagrangian.training.sampling import sample_fields

    result = {}
    config = profile_config(profile, 1, max_fields)
    for strategy in ("uniform", "enriched"):
        rng = random.Random(f"{seed}:compare")
        records = [example_record(sample_fields(rng, config, strategy)) for _ in range(n)]
        result[strategy] = summarize(records)["shares_with"]
    return result


def read_split(folder: Path, split: str) -> list[dict[str, Any]]:
    """The records of ``folder/split.jsonl`` (a dataset built here)."""
    path = folder / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (is {folder} a dataset folder?)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

"""Building (fields -> Lagrangian) datasets with the exact engine as the teacher.

Work is cut into shards of a fixed size; shard ``k`` draws its field sets from its own
generator seeded by ``(seed, k)``, so a dataset is the same for a seed whatever the number
and kind of workers (local processes or Ray tasks, ``training/build_runners.py``), and an
interrupted build resumes by skipping shards already on disk (each shard is written to a
temporary name and renamed, so a file that exists is complete).

Shards and splits are Arrow token files (``training/token_store.py``): the token sequences
of every format as ids, tokenized once here, beside the fields and the features used for
sampling and evaluation.  Field sets are deduplicated up to the order and names of the
fields, and each distinct set goes to one split chosen by a hash of its content, so no field
set of the test split was seen in training.  The merge streams shard by shard: a build holds
one shard and eight bytes per distinct field set, never the dataset.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import random
import statistics
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lagrangian.training.convert import SPLITS
from lagrangian.training.sampling import PROFILES, FieldSpec, Strategy, profile_config
from lagrangian.training.token_store import (
    RECORD_COLUMNS,
    SplitWriter,
    TokenEncoder,
    open_file,
    read_records,
    schema,
    table_bytes,
    token_columns,
)

FORMATS = ("bartl", "compact", "operators", "units")
FEATURES = ("trilinear", "yukawa", "fermion_mass", "linear")
LENGTH_KEYS = ("src_bartl", "tgt_bartl", "src_compact", "tgt_compact", "tgt_operators")


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
    from lagrangian.model.codec.bartl import BartLCodec
    from lagrangian.model.codec.compact import CompactCodec
    from lagrangian.model.codec.operators import OperatorsCodec
    from lagrangian.model.codec.units import UnitsCodec
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
    for codec in (BartLCodec(), CompactCodec(), OperatorsCodec(), UnitsCodec()):
        record[f"src_{codec.name}"] = join_tokens(codec.encode_fields(model))
        record[f"tgt_{codec.name}"] = join_tokens(codec.encode_terms(model, terms))
    return record


def _shard_path(out: Path, index: int) -> Path:
    return out / "shards" / f"shard-{index:05d}.arrow"


@functools.cache
def _encoders() -> dict[str, TokenEncoder]:
    """The id numbering of every format a dataset stores (each codec's tokenizer order)."""
    from lagrangian.model.codec import codec_by_name
    from lagrangian.model.tokenizer import id_table

    return {name: TokenEncoder(id_table(codec_by_name(name))) for name in FORMATS}


def _schema() -> Any:
    return schema({name: e.table for name, e in _encoders().items()}, RECORD_COLUMNS)


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """A dataset record with its token columns as ids."""
    row = {name: record[name] for name in RECORD_COLUMNS}
    for name, encoder in _encoders().items():
        for column in token_columns(name):
            row[column] = encoder.encode(record[column])
    return row


def build_shard(task: tuple[BuildSettings, int]) -> tuple[int, bytes]:
    """Shard ``index`` as the bytes of an Arrow token file: its examples are drawn from the
    generator seeded by ``(seed, index)``, so they do not depend on who builds it.  Workers
    return bytes and the caller writes them, so remote workers need no shared disk."""
    from lagrangian.training.sampling import sample_fields

    settings, index = task
    rng = random.Random(f"{settings.seed}:{index}")
    config = profile_config(settings.profile, settings.min_fields, settings.max_fields)
    count = min(settings.shard_size, settings.n - index * settings.shard_size)
    records = [example_record(sample_fields(rng, config, settings.sampling)) for _ in range(count)]
    return index, table_bytes(_schema(), [_row(record) for record in records])


def _write_shard(out: Path, index: int, content: bytes) -> None:
    """Write a shard atomically: a shard file that exists is complete."""
    path = _shard_path(out, index)
    temporary = path.with_name(f"{path.name}.tmp{os.getpid()}")
    temporary.write_bytes(content)
    temporary.replace(path)


def _progress(iterable: Iterable[Any], total: int, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield from iterable
        return
    from tqdm import tqdm

    yield from tqdm(iterable, total=total, unit="shard", desc="building", leave=False)


def build_dataset(
    out: Path,
    settings: BuildSettings,
    workers: int = 1,
    progress: bool = True,
    ray: str | None = None,
) -> dict[str, Any]:
    """Build (or resume) a dataset in ``out``; returns the summary also written to
    ``out/summary.json``.  Shards are built by ``workers`` local processes, or by the tasks
    of a Ray cluster when ``ray`` is an address (``auto``: the cluster this machine belongs
    to).  A folder built with other settings is refused."""
    from lagrangian.training.build_runners import run_local, run_ray

    settings.check()
    out.mkdir(parents=True, exist_ok=True)
    (out / "shards").mkdir(exist_ok=True)
    if any((out / "shards").glob("shard-*.jsonl")):
        raise ValueError(
            f"{out} holds JSON-lines shards of an older build; build into a new folder "
            "(its splits convert with `lagrangian dataset convert`)"
        )
    recorded = out / "settings.json"
    wanted = asdict(settings)
    if recorded.exists() and json.loads(recorded.read_text(encoding="utf-8")) != wanted:
        raise ValueError(f"{out} holds a dataset built with other settings; use a new folder")
    recorded.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    shards = -(-settings.n // settings.shard_size)
    tasks = [(settings, k) for k in range(shards) if not _shard_path(out, k).exists()]
    done = run_ray(build_shard, tasks, ray) if ray else run_local(build_shard, tasks, workers)
    for index, content in _progress(done, len(tasks), progress):
        _write_shard(out, index, content)
    return _merge(out, settings, shards)


def _key_digest(key: str) -> bytes:
    """Eight bytes standing for a field-set key in the duplicate set (a million keys take
    tens of megabytes, not the gigabyte of the keys; a collision needs ~4e9 sets)."""
    return hashlib.blake2b(key.encode(), digest_size=8).digest()


def _merge(out: Path, settings: BuildSettings, shards: int) -> dict[str, Any]:
    """Stream the shards, in order, into one token file per split, dropping duplicates."""
    import pyarrow as pa

    seen: set[bytes] = set()
    counter = SummaryCounter()
    duplicates = 0
    counts = dict.fromkeys(SPLITS, 0)
    with contextlib.ExitStack() as stack:
        writers = {
            split: stack.enter_context(SplitWriter(out / f"{split}.arrow", _schema()))
            for split in SPLITS
        }
        for k in range(shards):
            reader = open_file(_shard_path(out, k))
            for b in range(reader.num_record_batches):
                batch = reader.get_batch(b)
                picked: dict[str, list[int]] = {split: [] for split in SPLITS}
                for row, key in enumerate(batch.column("key").to_pylist()):
                    digest = _key_digest(key)
                    if digest in seen:
                        duplicates += 1
                        continue
                    seen.add(digest)
                    picked[split_of(key, settings)].append(row)
                for split, rows in picked.items():
                    if rows:
                        kept = batch.take(pa.array(rows))
                        writers[split].write(kept)
                        counter.add_batch(kept)
                        counts[split] += len(rows)
    summary = counter.result()
    summary["settings"] = asdict(settings)
    summary["splits"] = counts
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


class SummaryCounter:
    """The summary of a dataset, accumulated an example at a time (a build never holds its
    records): feature shares, mean term counts, token length distributions."""

    def __init__(self) -> None:
        self.total = 0
        self.fields: Counter[int] = Counter()
        self.kinds: Counter[str] = Counter()
        self.having: Counter[str] = Counter()
        self.singlets = 0
        self.lengths: dict[str, array[int]] = {key: array("I") for key in LENGTH_KEYS}

    def add(self, n_fields: int, kinds: dict[str, int], singlet: bool, lengths: dict) -> None:
        """One example; ``lengths`` maps token columns to their token counts."""
        self.total += 1
        self.fields[n_fields] += 1
        self.kinds.update(kinds)
        self.having.update(k for k, v in kinds.items() if v)
        self.singlets += bool(singlet)
        for key, values in self.lengths.items():
            if key in lengths:
                values.append(lengths[key])

    def add_record(self, record: dict[str, Any]) -> None:
        """An example in the JSON-lines form (token columns as text)."""
        lengths = {key: len(record[key].split()) for key in LENGTH_KEYS if key in record}
        self.add(record["n_fields"], record["kinds"], record["singlet"], lengths)

    def add_batch(self, batch: Any) -> None:
        """The examples of an Arrow record batch (token counts read from the list offsets)."""
        import numpy as np

        names = batch.schema.names
        counts = {
            key: np.diff(batch.column(key).offsets.to_numpy()) - 2
            for key in LENGTH_KEYS
            if key in names
        }
        columns = [batch.column(name).to_pylist() for name in ("n_fields", "kinds", "singlet")]
        for row, (n_fields, kinds, singlet) in enumerate(zip(*columns, strict=True)):
            lengths = {key: int(values[row]) for key, values in counts.items()}
            self.add(n_fields, dict(kinds), singlet, lengths)

    def result(self) -> dict[str, Any]:
        total = self.total
        if not total:
            return {"examples": 0}
        shares = {kind: round(self.having[kind] / total, 4) for kind in FEATURES}
        shares["singlet"] = round(self.singlets / total, 4)
        lengths = {key: _lengths(list(v)) for key, v in self.lengths.items() if v}
        return {
            "examples": total,
            "fields": dict(sorted(self.fields.items())),
            "shares_with": shares,
            "mean_terms_per_lagrangian": {
                k: round(v / total, 3) for k, v in sorted(self.kinds.items())
            },
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


def summarize(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Shares of Lagrangians with each feature, mean term counts, token lengths."""
    counter = SummaryCounter()
    for record in records:
        counter.add_record(record)
    return counter.result()


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
    """The records of ``folder/<split>.arrow`` or, failing that, ``folder/<split>.jsonl``."""
    arrow = folder / f"{split}.arrow"
    if arrow.is_file():
        return list(read_records(arrow))
    path = folder / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(
            f"{arrow}: no such file, nor {path.name} (is {folder} a dataset folder?)"
        )
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

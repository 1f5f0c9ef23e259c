"""JSON-lines datasets → Arrow token files, streaming: ``lagrangian dataset convert`` and the
trainer's reading of a ``.jsonl`` split.

The JSON-lines format (one object per line with ``src_<format>``/``tgt_<format>`` as
space-joined tokens, see ``training/dataset.py``) stays readable because existing datasets
and small hand-written ones use it; the trainer reads only Arrow, so a JSON-lines split is
converted once, a block at a time, and memory stays bounded by a block whatever the file
size.  Malformed lines are reported as ``file:line`` in one message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from lagrangian.model.codec import TokenError, codec_by_name
from lagrangian.model.tokenizer import id_table
from lagrangian.training.token_store import (
    BLOCK_ROWS,
    RECORD_COLUMNS,
    SplitWriter,
    TokenEncoder,
    record_batch,
    schema,
    token_columns,
)

SPLITS = ("train", "validation", "test")


class ConvertError(ValueError):
    """A JSON-lines file that cannot be converted (the message names ``file:line``)."""


def json_lines(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(file:line, object)`` for every non-blank line of a JSON-lines file."""
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ConvertError(
                    f"{where}: not JSON ({error.msg}, column {error.colno})"
                ) from None
            if not isinstance(record, dict):
                raise ConvertError(f"{where}: expected a JSON object")
            yield where, record


def _row(
    where: str,
    record: dict[str, Any],
    encoders: Mapping[str, TokenEncoder],
    record_columns: Sequence[str],
) -> dict[str, Any]:
    row = {}
    for name in record_columns:
        if name not in record:
            raise ConvertError(f"{where}: missing field {name!r} (the first line has it)")
        row[name] = record[name]
    for data_format, encoder in encoders.items():
        for key in token_columns(data_format):
            text = record.get(key)
            if not isinstance(text, str):
                raise ConvertError(
                    f"{where}: missing string field {key!r} (is --format {data_format} right?)"
                )
            try:
                row[key] = encoder.encode(text)
            except TokenError as error:
                raise ConvertError(f"{where}: {key}: {error}") from None
    return row


def convert_split(
    source: Path,
    target: Path,
    encoders: Mapping[str, TokenEncoder],
    record_columns: Sequence[str] = (),
) -> int:
    """Write the examples of ``source`` (JSON lines) to ``target`` (Arrow) in the formats of
    ``encoders``, keeping ``record_columns``; returns the number of examples."""
    tables = {data_format: encoder.table for data_format, encoder in encoders.items()}
    file_schema = schema(tables, record_columns)
    rows: list[dict[str, Any]] = []
    count = 0
    with SplitWriter(target, file_schema) as writer:
        for where, record in json_lines(source):
            rows.append(_row(where, record, encoders, record_columns))
            count += 1
            if len(rows) == BLOCK_ROWS:
                writer.write(record_batch(file_schema, rows))
                rows = []
        if rows:
            writer.write(record_batch(file_schema, rows))
    return count


def _layout(path: Path, codecs: Mapping[str, str]) -> tuple[dict[str, TokenEncoder], list[str]]:
    """The formats (every ``src_F`` with a ``tgt_F``) and record columns of the first line."""
    for _, first in json_lines(path):
        formats = [
            key.removeprefix("src_")
            for key in first
            if key.startswith("src_") and f"tgt_{key.removeprefix('src_')}" in first
        ]
        if not formats:
            raise ConvertError(f"{path}:1: no src_FORMAT/tgt_FORMAT pair of fields")
        try:
            encoders = {f: TokenEncoder(id_table(codec_by_name(codecs.get(f, f)))) for f in formats}
        except TokenError as error:
            raise ConvertError(f"{error} (name a codec with --codec FORMAT=CODEC)") from None
        return encoders, [name for name in RECORD_COLUMNS if name in first]
    raise ConvertError(f"{path}: no examples")


def convert_dataset(folder: Path, codecs: Mapping[str, str] | None = None) -> dict[str, int]:
    """Convert every ``folder/<split>.jsonl`` to ``folder/<split>.arrow``, all formats and
    record fields kept; ``codecs`` names the codec of a format that is not a codec name."""
    sources = [split for split in SPLITS if (folder / f"{split}.jsonl").is_file()]
    if not sources:
        raise ConvertError(f"{folder}: no train/validation/test.jsonl to convert")
    encoders, record_columns = _layout(folder / f"{sources[0]}.jsonl", codecs or {})
    return {
        split: convert_split(
            folder / f"{split}.jsonl", folder / f"{split}.arrow", encoders, record_columns
        )
        for split in sources
    }

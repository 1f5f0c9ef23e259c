"""Token datasets on disk as Apache Arrow IPC files: tokenized once, then memory-mapped.

Why Arrow IPC (the Feather v2 file format) rather than JSON lines or Parquet: an IPC file is
read by memory-mapping it, without parsing or copying, so a reader touches only the pages of
the columns and rows it uses and its memory does not grow with the dataset; JSON lines must be
parsed and tokenized on every read, Parquet decoded into memory first.  Why ``pyarrow``
itself rather than Hugging Face ``datasets``: ``datasets`` adds pandas, fsspec and a cache
folder of its own for nothing the trainer needs.

Token sequences are stored as ids framed ``[SOS] … [EOS]`` (one byte per token while a
vocabulary has at most 256 ids), and the schema metadata keeps each format's id table (the
tokens in id order), so a file reads back as token strings without the codec that wrote it,
and a tokenizer that numbers the same words differently remaps ids instead of failing.

A split file is a sequence of record batches, *blocks* of at most ``BLOCK_ROWS`` examples;
the streaming loader (``training/loader.py``) plans its epochs in blocks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lagrangian.model.codec import SpecialTokens, check_tokens, join_tokens

if TYPE_CHECKING:
    import pyarrow as pa

BLOCK_ROWS = 1024
TABLES_KEY = b"lagrangian.token_tables"  # schema metadata: {format: [token, ...] in id order}
# The per-example columns besides the tokens, in the order they are stored.
RECORD_COLUMNS = ("fields", "n_fields", "key", "kinds", "singlet")


class StoreError(ValueError):
    """A token file that cannot be read or written as asked (the message says why)."""


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise StoreError(
            "Arrow datasets need pyarrow: pip install 'lagrangian[model]' (or pyarrow)"
        ) from None
    return pyarrow


def token_columns(data_format: str) -> tuple[str, str]:
    """The source and target column names of a token format."""
    return f"src_{data_format}", f"tgt_{data_format}"


class TokenEncoder:
    """Token text → framed id array for one id table (no ``transformers`` needed)."""

    def __init__(self, table: Sequence[str]) -> None:
        self.table = list(table)
        special = SpecialTokens(*self.table[:4])
        self._ids = {token: index for index, token in enumerate(self.table)}
        self._words = frozenset(self.table[4:])
        self._sos, self._eos = self._ids[special.sos], self._ids[special.eos]
        self.dtype = np.uint8 if len(self.table) <= 256 else np.uint16

    def encode(self, text: str) -> np.ndarray:
        """Ids of ``[SOS] tokens [EOS]``; a token outside the words raises :class:`TokenError`."""
        tokens = text.split()
        try:
            ids = [self._ids[token] for token in tokens]
        except KeyError:
            ids = []
        if len(ids) != len(tokens) or any(i < 4 for i in ids):
            check_tokens(tokens, self._words)
        return np.array([self._sos, *ids, self._eos], dtype=self.dtype)


def schema(tables: Mapping[str, Sequence[str]], record_columns: Sequence[str]) -> pa.Schema:
    """The schema of a token file: the record columns given, then per format its two id
    columns; the id tables go in the metadata."""
    pa = _pyarrow()
    types = {
        "fields": pa.string(),
        "n_fields": pa.int16(),
        "key": pa.string(),
        "kinds": pa.map_(pa.string(), pa.int32()),
        "singlet": pa.bool_(),
    }
    columns = [pa.field(name, types[name]) for name in RECORD_COLUMNS if name in record_columns]
    for data_format, table in tables.items():
        ids = pa.uint8() if len(table) <= 256 else pa.uint16()
        columns += [pa.field(name, pa.list_(ids)) for name in token_columns(data_format)]
    metadata = {TABLES_KEY: json.dumps({k: list(v) for k, v in tables.items()}).encode()}
    return pa.schema(columns, metadata=metadata)


def id_tables(file_schema: pa.Schema) -> dict[str, list[str]]:
    """The id table of every format stored in a file."""
    raw = (file_schema.metadata or {}).get(TABLES_KEY)
    return json.loads(raw) if raw else {}


def record_batch(file_schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> pa.RecordBatch:
    """A record batch of ``rows``: token columns as id arrays, the others as Python values."""
    pa = _pyarrow()
    arrays = []
    for field in file_schema:
        values = [row[field.name] for row in rows]
        if pa.types.is_list(field.type):
            lengths = np.fromiter((len(v) for v in values), dtype=np.int32, count=len(values))
            offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int32)])
            flat = np.concatenate(values) if values else np.zeros(0)
            child = pa.array(flat.astype(field.type.value_type.to_pandas_dtype(), copy=False))
            arrays.append(pa.ListArray.from_arrays(pa.array(offsets), child, type=field.type))
        elif pa.types.is_map(field.type):
            arrays.append(pa.array([list(v.items()) for v in values], type=field.type))
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=file_schema)


class SplitWriter:
    """Writes a token file in blocks of ``BLOCK_ROWS``; the file appears complete or not at all.

    Rows go to a temporary name that :meth:`close` renames into place, so a reader (or a
    resumed build) never sees half a file; leaving the ``with`` block on an error removes it.
    """

    def __init__(self, path: Path, file_schema: pa.Schema) -> None:
        pa = _pyarrow()
        self.path = path
        self.schema = file_schema
        self._temporary = path.with_name(f"{path.name}.tmp{os.getpid()}")
        self._writer = pa.ipc.new_file(str(self._temporary), file_schema)
        self._pending: list[pa.RecordBatch] = []
        self._rows = 0
        self.written = 0

    def write(self, batch: pa.RecordBatch) -> None:
        """Append rows; full blocks are written as they fill."""
        self._pending.append(batch)
        self._rows += batch.num_rows
        if self._rows >= BLOCK_ROWS:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        pa = _pyarrow()
        if not self._rows:
            return
        table = pa.Table.from_batches(self._pending, schema=self.schema).combine_chunks()
        full = table.num_rows if final else table.num_rows - table.num_rows % BLOCK_ROWS
        for start in range(0, full, BLOCK_ROWS):
            chunk = table.slice(start, min(BLOCK_ROWS, full - start))
            self._writer.write_batch(chunk.combine_chunks().to_batches()[0])
        rest = table.slice(full)
        self._pending = rest.to_batches() if rest.num_rows else []
        self._rows = rest.num_rows
        self.written += full

    def close(self) -> None:
        self._flush(final=True)
        self._writer.close()
        self._temporary.replace(self.path)

    def __enter__(self) -> SplitWriter:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self._writer.close()
            self._temporary.unlink(missing_ok=True)


def table_bytes(file_schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """``rows`` as the bytes of a one-block token file (what a build worker sends back)."""
    pa = _pyarrow()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, file_schema) as writer:
        writer.write_batch(record_batch(file_schema, rows))
    return sink.getvalue().to_pybytes()


def open_file(path: Path) -> Any:
    """A memory-mapped reader of a token file (``RecordBatchFileReader``)."""
    pa = _pyarrow()
    try:
        return pa.ipc.open_file(pa.memory_map(str(path), "r"))
    except (OSError, pa.ArrowInvalid) as error:
        raise StoreError(f"{path}: not a readable Arrow token file ({error})") from None


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The examples of a token file as the dictionaries of the JSON-lines format (token
    columns as space-joined tokens, ``kinds`` as a dictionary)."""
    reader = open_file(path)
    tables = id_tables(reader.schema)
    token_of = {column: tables[f] for f in tables for column in token_columns(f)}
    for index in range(reader.num_record_batches):
        batch = reader.get_batch(index)
        columns = {name: batch.column(name) for name in batch.schema.names}
        for row in range(batch.num_rows):
            record: dict[str, Any] = {}
            for name, column in columns.items():
                if name in token_of:
                    ids = column[row].values.to_numpy()
                    record[name] = join_tokens(token_of[name][i] for i in ids[1:-1])
                elif name == "kinds":
                    record[name] = dict(column[row].as_py())
                else:
                    record[name] = column[row].as_py()
            yield record

"""Data tables for a fit: reading CSV files with precise errors, splitting, fingerprints.

The engine works on plain float arrays; this module is the one place that turns a user's
file into them, so every way a table can be unusable (missing file, missing column, a
non-number, a NaN, too few rows, a non-positive uncertainty) is reported here once, with the
file, line and column, instead of surfacing later as a numpy error.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError

MIN_ROWS = 8


@dataclass(frozen=True)
class Dataset:
    """Inputs ``x`` (rows × inputs, in ``names`` order), target ``y``, optional ``sigma``."""

    names: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    sigma: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.x.ndim != 2 or self.x.shape[1] != len(self.names):
            raise ValueError("x must be a 2-d array with one column per input name")
        if self.y.shape != (self.x.shape[0],):
            raise ValueError("y must have one value per row of x")
        if self.sigma is not None and self.sigma.shape != self.y.shape:
            raise ValueError("sigma must have one value per row")

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def subset(self, rows: np.ndarray) -> Dataset:
        sigma = None if self.sigma is None else self.sigma[rows]
        return Dataset(self.names, self.x[rows], self.y[rows], sigma)

    def fingerprint(self) -> str:
        """A hash of the numbers, so a resumed run can refuse data that changed."""
        digest = hashlib.sha256()
        for array in (self.x, self.y, self.sigma):
            if array is not None:
                digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
        digest.update(",".join(self.names).encode())
        return digest.hexdigest()[:16]


def from_columns(
    columns: dict[str, Sequence[float] | np.ndarray],
    target: str,
    inputs: Sequence[str],
    sigma: str | None = None,
) -> Dataset:
    """A dataset from in-memory columns (benchmarks, the language server), validated like a file."""
    table = {name: np.asarray(values, dtype=float) for name, values in columns.items()}
    return _build(table, target, inputs, sigma, "data")


def read_csv(
    path: str | Path, target: str, inputs: Sequence[str], sigma: str | None = None
) -> Dataset:
    """Read the ``target``, ``inputs`` and ``sigma`` columns of a CSV file with a header row."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise DataError(f"data file {path} does not exist") from None
    except IsADirectoryError:
        raise DataError(f"data file {path} is a directory") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(f"cannot read data file {path}: {error}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError(f"data file {path} is empty")
    header = [cell.strip() for cell in rows[0]]
    wanted = [target, *inputs] + ([sigma] if sigma else [])
    for column in wanted:
        if column not in header:
            raise DataError(
                f"{path}: no column {column!r} (columns: {', '.join(header) or 'none'})"
            )
    table: dict[str, np.ndarray] = {}
    for column in dict.fromkeys(wanted):
        index = header.index(column)
        values = np.empty(len(rows) - 1)
        for i, row in enumerate(rows[1:]):
            line = i + 2
            cell = row[index].strip() if index < len(row) else ""
            values[i] = _number(cell, path, line, column)
        table[column] = values
    return _build(table, target, inputs, sigma, str(path))


def _number(cell: str, path: Path, line: int, column: str) -> float:
    where = f"{path}:{line}: column {column!r}"
    if not cell:
        raise DataError(f"{where} is empty")
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{where}: {cell!r} is not a number") from None
    if math.isnan(value):
        raise DataError(f"{where} is NaN")
    if math.isinf(value):
        raise DataError(f"{where} is infinite")
    return value


def _build(
    table: dict[str, np.ndarray], target: str, inputs: Sequence[str], sigma: str | None, where: str
) -> Dataset:
    if not inputs:
        raise DataError("no input columns given")
    if len(set(inputs)) != len(inputs):
        raise DataError(f"input columns repeat: {', '.join(inputs)}")
    if target in inputs:
        raise DataError(f"target column {target!r} is also an input")
    for column in [target, *inputs] + ([sigma] if sigma else []):
        if column not in table:
            raise DataError(f"{where}: no column {column!r} (columns: {', '.join(table)})")
        values = table[column]
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                f"{where}: column {column!r} has a NaN or infinite value at row {bad[0] + 1}"
            )
    n = len(table[target])
    if n < MIN_ROWS:
        raise DataError(f"{where} has {n} data rows; a fit needs at least {MIN_ROWS}")
    err = None
    if sigma:
        err = table[sigma]
        bad = np.flatnonzero(err <= 0)
        if bad.size:
            raise DataError(
                f"{where}: uncertainty column {sigma!r} is not positive at row {bad[0] + 1}"
            )
    if np.ptp(table[target]) == 0:
        raise DataError(f"{where}: target column {target!r} is constant; there is nothing to fit")
    x = np.column_stack([table[name] for name in inputs])
    return Dataset(tuple(inputs), x, table[target].copy(), err)


def split(dataset: Dataset, test_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    """A seeded random train/held-out split; both parts keep at least a few rows."""
    n = len(dataset)
    n_test = round(n * test_fraction)
    n_test = min(max(n_test, 2), n - MIN_ROWS // 2)
    if n_test < 2:
        raise DataError(f"{n} rows are too few to hold some out for testing; pass --test")
    order = np.random.default_rng(seed).permutation(n)
    return dataset.subset(np.sort(order[n_test:])), dataset.subset(np.sort(order[:n_test]))

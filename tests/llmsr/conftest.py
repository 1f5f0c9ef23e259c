"""Shared fixtures for the LLM-SR tests: small exact datasets and a sandbox pool."""

from __future__ import annotations

import numpy as np
import pytest

from lagrangian.llmsr.config import FitConfig, SandboxConfig
from lagrangian.llmsr.data import Dataset
from lagrangian.llmsr.sandbox import SandboxPool

M_Z2 = 91.1876**2


@pytest.fixture(scope="session")
def a0_data() -> tuple[Dataset, Dataset]:
    """Exact qq̄ A0 = pT²/(mZ² + pT²): train below 60 GeV, test above."""
    train_pt = np.linspace(0.5, 60, 30)
    test_pt = np.linspace(60, 200, 15)
    train = Dataset(("pT",), train_pt[:, None], train_pt**2 / (M_Z2 + train_pt**2))
    test = Dataset(("pT",), test_pt[:, None], test_pt**2 / (M_Z2 + test_pt**2))
    return train, test


@pytest.fixture(scope="session")
def pool(a0_data: tuple[Dataset, Dataset]):  # type: ignore[no-untyped-def]
    """One sandbox pool for the tests that only evaluate programs (startup is the slow part)."""
    train, test = a0_data
    # Long enough for a fresh worker on a busy machine; the runaway test waits it out once.
    sandbox = SandboxConfig(workers=2, timeout_seconds=10.0, memory_mb=1024)
    with SandboxPool(train, test, 10, FitConfig(), sandbox) as shared:
        yield shared

"""Shared fixtures of the physics tests (the helpers live in declared.py)."""

from __future__ import annotations

import pytest
from declared import make_model

from lagrangian.physics.fields import Model


@pytest.fixture
def sm() -> Model:
    return make_model(
        ("scalar", "H", "1 2 1/2"),
        ("fermion", "Q", "3 2 1/6", "left"),
        ("fermion", "u", "-3 1 -2/3", "left"),
        ("fermion", "d", "-3 1 1/3", "left"),
        ("fermion", "L", "1 2 -1/2", "left"),
        ("fermion", "e", "1 1 1", "left"),
    )

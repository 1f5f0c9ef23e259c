"""Every corpus document's field content, generated in both notations, reads back.

The corpus holds the field contents papers use (chiral SM fields named ``Q_L``, ``u_R``,
``dirac`` vector-like fermions, triplets, leptoquarks, fields named ``B``, left-right gauge
groups); ``lagrangian generate --format latex`` of each, in two-component and in
four-component (Dirac) notation, must go back through ``lagrangian check`` with no
diagnostic and the engine's own terms (``tests/read_back.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from read_back import assert_reads_back, generated
from test_corpus import documents

from lagrangian.server.cli.sources import load_model


@pytest.mark.slow
@pytest.mark.parametrize("notation", ["two-component", "four-component"])
@pytest.mark.parametrize("document", documents(), ids=lambda p: p.name)
def test_generated_lagrangian_reads_back(document: Path, notation: str) -> None:
    model = load_model(document, None)
    text, terms = generated(model, notation)
    assert_reads_back(text, terms)

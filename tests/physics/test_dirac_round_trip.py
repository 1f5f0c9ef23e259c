"""``generate --format latex`` in both notations reads back, on random field contents.

Random contents from the enriched sampler (trilinears, Yukawas, multi-invariant quartics),
renamed the way papers name fields (``Phi_1``, ``Q_L``, ``N_R``, ``\\Sigma``) and with one
fermion made a ``dirac`` field (its two Weyl components share a kinetic term and a Dirac
mass ``M \\overline{T} T``), are generated as paper-style LaTeX and checked back:
no diagnostic, the engine's terms, each multi-invariant monomial its own basis element
(``tests/read_back.py``).
"""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from read_back import assert_reads_back, generated

from lagrangian.server.cli.sources import load_model
from lagrangian.training.sampling import SamplingConfig, declarations, sample_fields

CONFIG = SamplingConfig(min_fields=1, max_fields=4)
NAMES = ["Phi_1", "Phi_2", "Q_L", "N_R", "Sigma", "chi", "H_u", "psi", "T", "S'"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**9),
    st.sampled_from(["two-component", "four-component"]),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_generated_paper_latex_reads_back(seed, notation, dirac, rng) -> None:
    fields = sample_fields(random.Random(seed), CONFIG, "enriched")
    names = rng.sample(NAMES, len(fields))
    fields = [replace(f, name=n) for f, n in zip(fields, names)]
    if dirac:
        # (a subscripted Dirac name is beyond the engine: Phi_1's components Phi_1_L, Phi_1_R)
        fermions = [k for k, f in enumerate(fields) if f.kind == "fermion" and "_" not in f.name]
        if fermions:
            k = rng.choice(fermions)
            fields[k] = replace(fields[k], helicity="dirac")  # type: ignore[arg-type]
    model = load_model(None, declarations(fields))
    text, terms = generated(model, notation)
    assert_reads_back(text, terms)

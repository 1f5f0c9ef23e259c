"""Evaluation metrics on hand-made predictions, with exact numbers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lagrangian.model.codec import split_tokens
from lagrangian.model.codec.bartl import BartLCodec
from lagrangian.model.codec.compact import CompactCodec
from lagrangian.training.evaluate import (
    canonical_terms,
    paper_score,
    plot_accuracy,
    text_report,
)


def test_paper_score_counts_correct_and_extra_terms() -> None:
    true = Counter({"a": 1, "b": 1, "c": 1, "d": 1})
    assert paper_score(true, Counter({"a": 1, "b": 1, "c": 1, "d": 1})) == 1.0
    assert paper_score(true, Counter({"a": 1, "b": 1, "x": 1})) == (2 - 1) / 4
    assert paper_score(true, Counter({"a": 2, "b": 1})) == (2 - 1) / 4
    assert paper_score(true, Counter({"x": 3})) == -3 / 4
    assert paper_score(true, Counter()) == 0.0


def test_terms_match_up_to_order_and_label_renaming() -> None:
    codec = BartLCodec()
    mass = (
        "- FIELD SPIN 0 SU2 2 U1 - 1 DAGGER ID0 FIELD SPIN 0 SU2 2 U1 1 ID1 "
        "CONTRACTIONS SU2 ID0 ID1"
    )
    relabelled = mass.replace("ID0", "ID7").replace("ID1", "ID3")
    swapped = relabelled.replace("SU2 ID7 ID3", "SU2 ID3 ID7")
    singlet = "- FIELD SPIN 0 ID0 CONTRACTIONS"
    true = canonical_terms(codec, split_tokens(f"{mass} {singlet}"))
    assert canonical_terms(codec, split_tokens(f"{singlet} {swapped}")) == true
    broken = canonical_terms(codec, split_tokens(f"{mass} - FIELD SPIN ID0 CONTRACTIONS"))
    assert sum(broken.values()) == 2 and paper_score(true, broken) == 0.0


def test_compact_terms_match_up_to_order_and_epsilon_slot_order() -> None:
    codec = CompactCodec()
    true = canonical_terms(codec, split_tokens("KINETIC F 1 TERM F 1 DAGGER F 1 SU2 1 2"))
    same = canonical_terms(codec, split_tokens("TERM F 1 DAGGER F 1 SU2 2 1 KINETIC F 1"))
    other = canonical_terms(codec, split_tokens("KINETIC F 1 TERM F 1 F 1 DAGGER SU2 1 2"))
    assert same == true and other != true
    assert paper_score(true, other) == 0.0


REPORT = {
    "overall": {
        "examples": 3,
        "paper_score": 0.5,
        "exact_match": 1 / 3,
        "semantic_accuracy": 2 / 3,
    },
    "by_fields": {
        "1": {"examples": 2, "paper_score": 1.0, "exact_match": 0.5, "semantic_accuracy": 1.0},
        "2": {"examples": 1, "paper_score": -0.5, "exact_match": 0.0, "semantic_accuracy": 0.0},
    },
    "by_kind": {"quartic": {"terms": 4, "model_share": 0.75}},
}


def test_text_report_and_plot(tmp_path: Path) -> None:
    text = text_report(REPORT)
    assert "| 1 | 2 | 1.000 | 50.0% | 100.0% |" in text
    assert "| all | 3 | 0.500 | 33.3% | 66.7% |" in text
    assert "| quartic | 4 | 75.0% |" in text
    plot_accuracy(REPORT, tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG"

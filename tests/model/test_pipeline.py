"""The full model pipeline: a tiny model overfits a handful of Lagrangians and generates them
back through decoding, verification and the engine (every term ``"source": "model"``), on
the command line and over HTTP; evaluation scores it perfectly."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from waiting import SAFETY_S

from lagrangian.server.cli import main
from lagrangian.training.sampling import FieldSpec, declarations, to_model

FIELD_SETS = [
    "scalar S1 (1, 1, 0) real",
    "scalar S1 (1, 2, 1/2)",
    "fermion F1 (1, 1, 0) left",
    "scalar S1 (1, 2, 1/2); fermion F1 (1, 2, -1/2) left",
]


def _write_dataset(folder: Path) -> Path:
    from lagrangian.grammar import parse_declarations
    from lagrangian.training.dataset import example_record

    folder.mkdir(parents=True)
    records = []
    for text in FIELD_SETS:
        document = parse_declarations(text)
        specs = [
            FieldSpec(
                d.kind,
                d.name,
                d.reps[0].text,
                d.reps[1].text,
                d.reps[2].charge,
                d.helicity,
                d.real,
            )
            for d in document.fields
        ]
        assert declarations(specs) == text and to_model(specs).fields
        records.append(example_record(specs))
    lines = "".join(json.dumps(r) + "\n" for r in records)
    for split in ("train", "validation", "test"):
        (folder / f"{split}.jsonl").write_text(lines)
    return folder


@pytest.fixture(scope="module")
def overfit_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("pipeline")
    data = _write_dataset(root / "data")
    run = root / "run"
    argv = ["train", "--data", str(data), "--out", str(run), "--preset", "tiny"]
    argv += ["--format", "compact", "--device", "cpu", "--batch-size", "4", "--max-steps", "150"]
    argv += ["--lr", "1e-3", "--warmup-steps", "5", "--log-every", "30", "--seed", "1"]
    argv += ["--eval-every", "150", "--save-every", "150"]
    assert main(argv) == 0
    return run


@pytest.mark.slow
def test_overfit_model_generates_verified_lagrangians(overfit_run: Path) -> None:
    from lagrangian.model.checkpoint import load_checkpoint
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.pipeline import fields_from_json, generate

    loaded = load_checkpoint(overfit_run, device="cpu")
    models = [fields_from_json(text) for text in FIELD_SETS]
    results = generate(models, loaded, GenerationSettings(num_beams=1))
    for result in results:
        assert result.info["dropped"] == 0
        assert result.info["generated"] == result.info["verified"] == len(result.verification.terms)
        payload = result.payload()
        assert payload["terms"] and all(t["source"] == "model" for t in payload["terms"])
        assert payload["model"]["device"] == "cpu" and payload["model"]["seconds"] >= 0


@pytest.mark.slow
def test_generate_cli_with_the_model_engine(overfit_run: Path, capsys) -> None:
    argv = ["generate", "--fields", FIELD_SETS[3], "--engine", "model"]
    assert main([*argv, "--model", str(overfit_run), "--device", "cpu", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {t["source"] for t in payload["terms"]} == {"model"}
    assert (
        payload["model"]["verified"] == len(payload["terms"]) and payload["model"]["dropped"] == 0
    )
    exact = ["generate", "--fields", FIELD_SETS[3], "--format", "json"]
    assert main(exact) == 0
    engine = json.loads(capsys.readouterr().out)
    strip = [{k: v for k, v in t.items() if k != "source"} for t in payload["terms"]]
    assert strip == [{k: v for k, v in t.items() if k != "source"} for t in engine["terms"]]


@pytest.mark.slow
def test_evaluate_scores_the_overfit_model_perfectly(overfit_run: Path, capsys, tmp_path) -> None:
    data = overfit_run.parent / "data"
    argv = ["evaluate", "--model", str(overfit_run), "--data", str(data), "--device", "cpu"]
    assert main([*argv, "--format", "json", "--out", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["examples"] == 4
    assert report["overall"]["paper_score"] == 1.0
    assert report["overall"]["exact_match"] == report["overall"]["semantic_accuracy"] == 1.0
    assert sorted(report["by_fields"]) == ["1", "2"]
    assert (tmp_path / "accuracy_vs_fields.png").read_bytes()[:4] == b"\x89PNG"
    assert main([*argv, "--min-fields", "2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["examples"] == 1
    assert main([*argv, "--window", "4"]) == 2  # a compact-format checkpoint has no windows
    assert "field windows need the operators format" in capsys.readouterr().err


def _post(url: str, body: object) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=SAFETY_S) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.slow
def test_model_server_generate_and_complete_over_http(overfit_run: Path) -> None:
    from lagrangian.model.checkpoint import load_checkpoint
    from lagrangian.model.generate import GenerationSettings
    from lagrangian.model.model_server import ModelServer, ServerSettings
    from lagrangian.model.pipeline import physics_routes

    loaded = load_checkpoint(overfit_run, device="cpu")
    routes = physics_routes(loaded, GenerationSettings(num_beams=1))
    with ModelServer(routes, ServerSettings(port=0), info=loaded.describe).start() as server:
        status, answer = _post(f"{server.url}/v1/generate", {"fields": FIELD_SETS[1]})
        assert status == 200 and {t["source"] for t in answer["terms"]} == {"model"}
        objects = [{"kind": "scalar", "name": "S1", "representation": "(1, 2, 1/2)"}]
        status, same = _post(f"{server.url}/v1/generate", {"fields": objects})
        assert status == 200 and same["terms"] == answer["terms"]
        written = ["(D_mu S1)^dagger (D^mu S1)", "- m2 S1^dagger S1"]
        status, missing = _post(
            f"{server.url}/v1/complete", {"fields": FIELD_SETS[1], "terms": written}
        )
        assert status == 200
        assert [t["kind"] for t in missing["terms"]] == [
            "gauge_kinetic",
            "gauge_kinetic",
            "quartic",
        ]
        status, error = _post(f"{server.url}/v1/generate", {"fields": "scalar H (1, 2"})
        assert status == 422 and "column" in error["error"]["message"]
        status, error = _post(f"{server.url}/v1/generate", {"fields": FIELD_SETS[1], "x": 1})
        assert status == 422 and "unknown field" in error["error"]["message"]


@pytest.mark.slow
def test_model_completer_offers_the_missing_terms_with_sources(overfit_run: Path) -> None:
    from lagrangian.model.pipeline import ModelCompleter, document_analysis

    completer = ModelCompleter(overfit_run, device="cpu")
    analysis = document_analysis(FIELD_SETS[1], ["(D_mu S1)^dagger (D^mu S1)", "- m2 S1^dagger S1"])
    offered = completer.complete(analysis)
    assert [(r["kind"], s) for r, s in offered] == [
        ("gauge_kinetic", "model"),
        ("gauge_kinetic", "model"),
        ("quartic", "model"),
    ]
    with pytest.raises(ValueError, match="column"):
        document_analysis("scalar S1 (1, 2", [])

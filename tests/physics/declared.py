"""One way for the physics tests to turn declarations into a model, checked clean."""

from __future__ import annotations

from lagrangian.grammar import parse_declarations, parse_document
from lagrangian.physics.fields import Model, build_model


def model_of(text: str) -> Model:
    """The model of ``text``: a document (lines) or ``--fields`` declarations (``;``)."""
    document = parse_document(text) if "\n" in text.strip() else parse_declarations(text)
    assert not document.errors, document.errors
    model, problems = build_model(document.gauge, document.fields, document.symmetries)
    assert not problems, problems
    return model

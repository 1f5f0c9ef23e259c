"""Field objects of the JSON contract read back as a model, flavours included."""

from __future__ import annotations

import pytest

from lagrangian.model.pipeline import fields_from_json


def test_field_objects_keep_their_flavours():
    model = fields_from_json(
        [
            {"kind": "fermion", "name": "L", "representation": "(1, 2, -1/2)",
             "helicity": "left", "flavours": 3},
            {"kind": "scalar", "name": "H", "representation": "(1, 2, 1/2)"},
        ]
    )  # fmt: skip
    assert [(f.name, f.flavours) for f in model.fields] == [("L", 3), ("H", 1)]


def test_bad_flavours_name_the_field():
    with pytest.raises(ValueError, match=r"'fields\[0\].flavours' must be a positive integer"):
        fields_from_json(
            [{"kind": "scalar", "name": "H", "representation": "(1,2,1/2)", "flavours": 0}]
        )

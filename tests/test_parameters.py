"""Every notebook checks its parameters one way: the message names each bad one and its value."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from analysis.config import SAMPLE_LOG
from analysis.parameters import ParameterError, check_parameters, take_parameters
from analysis.tdb.notebook import TdbParameters
from analysis.text.params import CategoriesParameters


def test_every_bad_parameter_is_named_at_once_with_the_value_given() -> None:
    values = {"complaint_log": str(SAMPLE_LOG), "categories": ["rascism"], "max_examples": "many"}
    with pytest.raises(ParameterError) as info:
        check_parameters(CategoriesParameters, {**values, "unrelated_global": object()})
    message = str(info.value)
    assert message.startswith("bad notebook parameter(s):")
    assert "parameter 'categories': unknown categories ['rascism']" in message
    assert "parameter 'max_examples':" in message and "(got 'many')" in message


def test_a_check_across_parameters_says_which_ones() -> None:
    with pytest.raises(ParameterError) as info:
        check_parameters(TdbParameters, {"tdb_from": "2024-03-02", "tdb_to": "2024-03-01"})
    assert str(info.value).endswith("tdb_from (2024-03-02) is after tdb_to (2024-03-01)")


def test_good_parameters_come_back_typed() -> None:
    params = check_parameters(TdbParameters, {"tdb_from": "2024-03-01", "tdb_engine": "duckdb"})
    assert params.tdb_from.isoformat() == "2024-03-01" and params.tdb_to is None


class _Cell(BaseModel):
    """A parameters cell of two lines, both with defaults (so pydantic alone would not notice)."""

    nations: tuple[str, ...] = ("England",)
    threshold: int = 10


def test_a_parameter_deleted_from_the_cell_is_named_not_kept_from_the_last_run() -> None:
    namespace = {"nations": ["Wales"], "threshold": 5, "__annotations__": {"nations": list}}
    first = take_parameters(_Cell, namespace)  # the first run: both lines there
    assert first.nations == ("Wales",) and first.threshold == 5
    assert namespace == {"__annotations__": {}}  # taken out: a later run cannot see them
    namespace["threshold"] = 20  # the analyst deleted the nations line, then ran both cells again
    with pytest.raises(ParameterError) as info:
        take_parameters(_Cell, namespace)
    assert "not set by the parameters cell: 'nations'" in str(info.value)

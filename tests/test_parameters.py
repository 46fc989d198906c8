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


def _laughs(levels: int = 9) -> str:
    """The "billion laughs": nine levels of nine aliases each, about 1.4 KB."""
    lines = ['lol0: &lol0 "' + "lol" * 40 + '"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once(tmp_path) -> None:
    import time

    from analysis.report.params import load_params_file

    path = tmp_path / "bomb.yaml"
    path.write_text(_laughs())
    assert 500 < path.stat().st_size < 2000
    start = time.perf_counter()
    with pytest.raises(ParameterError, match="more than 10 YAML aliases"):
        load_params_file(path)
    assert time.perf_counter() - start < 1.0


def test_python_tags_are_refused_without_quoting_the_file(tmp_path) -> None:
    from analysis.report.params import load_params_file

    path = tmp_path / "tag.yaml"
    path.write_text("audience: !!python/object/apply:os.system ['echo SECRET-LINE']\n")
    with pytest.raises(ParameterError) as info:
        load_params_file(path)
    assert "!!python tag (line 1" in str(info.value) and "SECRET-LINE" not in str(info.value)
    path.write_text("audience: minister\n  SECRET-LINE: : x\n")
    with pytest.raises(ParameterError) as info:
        load_params_file(path)
    assert "not valid YAML" in str(info.value) and "SECRET-LINE" not in str(info.value)


def test_a_log_outside_the_project_and_data_folder_is_refused_unread(tmp_path, monkeypatch) -> None:
    from analysis.config import PARAMS_DIR
    from analysis.report.params import load_params_file, validate_parameters

    base = load_params_file(PARAMS_DIR / "minister.yaml")
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("SECRET-FIRST-LINE,b\n1,2\n")
    link = tmp_path / "data" / "link.csv"
    link.parent.mkdir()
    link.symlink_to(secret)
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(tmp_path / "data"))
    for given in (str(secret), str(link), "../" * 12 + str(secret)):
        with pytest.raises(ParameterError) as info:
            validate_parameters({**base, "complaint_log": given})
        assert "is outside the project" in str(info.value)
        assert "SECRET-FIRST-LINE" not in str(info.value)
    inside = tmp_path / "data" / "log.csv"
    inside.write_bytes(SAMPLE_LOG.read_bytes())
    assert validate_parameters({**base, "complaint_log": str(inside)}).log_path == inside


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


def test_the_text_notebooks_refuse_a_log_outside_the_project_unread(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "elsewhere.csv"
    secret.write_text("SECRET-FIRST-LINE\n")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(tmp_path / "data"))
    values = {"complaint_log": str(secret), "categories": [], "max_examples": 5}
    with pytest.raises(ParameterError) as info:
        check_parameters(CategoriesParameters, values)
    assert "is outside the project" in str(info.value)
    assert "SECRET-FIRST-LINE" not in str(info.value)

"""Checking a notebook's parameters: one way for every notebook, with defaults written once.

papermill passes any parameter through and only warns about a name the notebook does not declare,
so each notebook's second cell hands its globals to a pydantic model. A wrong type or value stops
the run with a message naming the parameter and the value given, not a traceback from deep inside
pandas.

In a live kernel a parameter deleted from the parameters cell would keep the value of the last run
(it is still a global). :func:`take_parameters` therefore *takes* the parameters out of the
namespace once checked, and names any that the cell (or papermill's injected cell) did not set on
this run.

The defaults shared by notebooks live in ``params/defaults.yaml`` (:func:`shared_defaults`);
:func:`parameters_cell` writes a notebook's parameters cell from them and the model's field
descriptions, so the cells are generated copies that a test keeps in step.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Mapping, MutableMapping
from functools import cache
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analysis.config import PARAMS_DIR

Model = TypeVar("Model", bound=BaseModel)

#: The longest line ruff leaves alone (pyproject.toml): a parameters line must fit in it.
LINE_LENGTH = 100
#: The shared defaults: also a valid ``--params`` file for ``python -m analysis briefings``.
DEFAULTS_FILE = PARAMS_DIR / "defaults.yaml"


class ParameterError(ValueError):
    """A notebook parameter is wrong; the message names it."""


def check_parameters(model: type[Model], values: Mapping[str, Any]) -> Model:
    """``values`` (a notebook's ``globals()``, say) checked against ``model``'s fields.

    Only the model's field names are read, so a notebook's other globals do not matter. Raises
    :class:`ParameterError` listing every bad parameter at once.
    """
    given = {name: values[name] for name in model.model_fields if name in values}
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise ParameterError(_explain(exc)) from None


def take_parameters(model: type[Model], namespace: MutableMapping[str, Any]) -> Model:
    """Check the parameters a notebook's cell just set, and remove them from ``namespace``.

    Every field of ``model`` must be set in ``namespace`` (the parameters cell declares them all;
    papermill's injected cell may override them). Taking them out means that a line deleted from
    the parameters cell raises :class:`ParameterError` naming it on the next run, instead of
    silently keeping the value of the run before. Use the returned model, not the bare names.
    """
    missing = [name for name in model.model_fields if name not in namespace]
    if missing:
        raise ParameterError(
            "parameter(s) not set by the parameters cell: "
            + ", ".join(map(repr, missing))
            + " (put the line(s) back, then run the parameters cell and this one)"
        )
    checked = check_parameters(model, namespace)
    for name in model.model_fields:
        namespace.pop(name)
    namespace.get("__annotations__", {}).clear()
    return checked


def _explain(exc: ValidationError) -> str:
    """One line per error: the parameter, what is wrong, and the value given where it helps."""
    lines = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] != "value_error" and "input" in error:
            message += f" (got {error['input']!r})"
        # A check across parameters (dates in order, say) names them in its own message.
        lines.append(f"parameter {error['loc'][0]!r}: {message}" if error["loc"] else message)
    return "bad notebook parameter(s):\n  " + "\n  ".join(lines)


@cache
def _read_defaults() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ParameterError(f"{DEFAULTS_FILE}: expected a mapping of parameter names to values")
    return data


def shared_defaults() -> dict[str, Any]:
    """The defaults of ``params/defaults.yaml`` (a fresh copy: callers may change it)."""
    return json.loads(json.dumps(_read_defaults(), default=str))


def _cell_type(annotation: Any) -> str:
    """How a field's type reads in a parameters cell: what papermill and an analyst write."""
    origin = typing.get_origin(annotation)
    if annotation is dt.date or origin is typing.Literal or annotation is str:
        return "str"
    if origin in (tuple, list):
        (item, *_) = typing.get_args(annotation) or (Any,)
        return f"list[{_cell_type(item)}]"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_cell_type(a) for a in typing.get_args(annotation))
    return getattr(annotation, "__name__", str(annotation))


def _literal(value: Any) -> str:
    """A Python literal in the style ruff formats notebooks with (double quotes)."""
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def parameters_cell(model: type[BaseModel], defaults: Mapping[str, Any]) -> str:
    """The source of a notebook's parameters cell: one typed line per field, with its meaning.

    Values come from ``defaults`` (:func:`shared_defaults`), types and comments from ``model``,
    so neither is written in the notebook by hand.
    """
    missing = [name for name in model.model_fields if name not in defaults]
    if missing:
        raise ParameterError(f"{DEFAULTS_FILE.name} gives no default for {', '.join(missing)}")
    lines = []
    for name, field in model.model_fields.items():
        comment = field.description or name.replace("_", " ")
        if field.annotation is dt.date:
            comment += ", YYYY-MM-DD"
        code = f"{name}: {_cell_type(field.annotation)} = {_literal(defaults[name])}"
        lines.append(f"{code}  # {_fit(comment, LINE_LENGTH - len(code) - 4)}")
    return "\n".join(lines)


def _fit(comment: str, room: int) -> str:
    """The comment, cut at its last clause that fits (a longer line would be re-wrapped by ruff)."""
    while len(comment) > room and ", " in comment:
        comment = comment.rsplit(", ", 1)[0]
    return comment

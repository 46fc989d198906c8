"""Checking a notebook's parameters: one way for every notebook.

papermill passes any parameter through and only warns about a name the notebook does not declare,
so each notebook's second cell hands its globals to a pydantic model through
:func:`check_parameters`. A wrong type or value stops the run with a message naming the parameter
and the value given, not a traceback from deep inside pandas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


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

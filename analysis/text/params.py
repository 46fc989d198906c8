"""Parameters of the text notebooks (06 categories, 07 legislation), validated with pydantic.

Papermill only warns about an unknown parameter and passes any type through, so each notebook's
second cell hands its globals to one of these models: a wrong type, a missing file or an unknown
category stops the run with a message naming the parameter. Paths are relative to the project root
(whatever the working directory: JupyterLab runs in ``notebooks/``, papermill anywhere).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analysis.config import PROJECT_ROOT, project_path
from analysis.log.contract import CATEGORIES


class ParameterError(ValueError):
    """A notebook parameter is wrong; the message names it."""


def _existing(value: str) -> str:
    if not project_path(value).is_file():
        raise ValueError(f"file not found: {value} (paths are relative to {PROJECT_ROOT})")
    return value


class CategoriesParameters(BaseModel):
    """Notebook 06: coded vs text-derived categories."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    complaint_log: str
    categories: tuple[str, ...] = ()
    max_examples: int = Field(ge=0, le=500)

    _log = field_validator("complaint_log")(_existing)

    @field_validator("categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {', '.join(CATEGORIES)}")
        return value


class LegislationParameters(BaseModel):
    """Notebook 07: duties in statutes beside the rules catalogue."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    statute_paths: tuple[str, ...] = Field(min_length=1)
    rules_dir: str
    show_all_duties: bool

    @field_validator("statute_paths")
    @classmethod
    def _files(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_existing(v) for v in value)

    @field_validator("rules_dir")
    @classmethod
    def _dir(cls, value: str) -> str:
        if not project_path(value).is_dir():
            raise ValueError(f"directory not found: {value}")
        return value


def validate_parameters(model: type[BaseModel], namespace: dict[str, Any]) -> BaseModel:
    """The notebook's parameters (its globals) checked against ``model``; one clear error if not."""
    names = model.model_fields
    try:
        return model.model_validate({k: v for k, v in namespace.items() if k in names})
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ParameterError("bad notebook parameter(s):\n" + "\n".join(lines)) from None

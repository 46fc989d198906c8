"""Parameters of the text notebooks (06 categories, 07 legislation), validated with pydantic.

Each notebook's second cell checks its globals against one of these models with
:func:`analysis.parameters.check_parameters`: a wrong type, a missing file or an unknown category
stops the run with a message naming the parameter. Paths are relative to the project root
(whatever the working directory: JupyterLab runs in ``notebooks/``, papermill anywhere).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from analysis.config import PROJECT_ROOT, OutsideDataFolders, data_file, project_path
from analysis.log.allowed_values import CATEGORIES


def _existing(value: str) -> str:
    # The same rule as the briefings' complaint_log: inside the project or the data folder only.
    try:
        path = data_file(value)
    except OutsideDataFolders as exc:
        raise ValueError(str(exc)) from None
    if not path.is_file():
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

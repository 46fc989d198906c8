"""Reading YAML that a user supplies (parameters files), safely and quickly.

``yaml.safe_load`` already refuses ``!!python/*`` tags, but it follows aliases: a 1.4 KB file of
nested anchors and aliases (the "billion laughs") expands, once anything walks or copies the result
(pydantic, papermill, json), into billions of items - ``briefings`` hung and grew to 3 GB. A
parameters file needs no aliases at all, so :func:`load_yaml` allows a small budget of them and
refuses the file beyond it, before building anything. It also refuses files larger than a
parameters file can be, and never quotes the file's content in its messages (only line and
column), so a mistyped path to some other file cannot print that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: Aliases (``*name``) a file may use: enough for a hand-written shortcut or two, far too few for
#: an expansion bomb (each alias at most copies what is already there once).
ALIAS_BUDGET = 10
#: Largest file read: the shipped parameters files are well under 1 KB.
MAX_BYTES = 64 * 1024


class UnsafeYaml(ValueError):
    """The file is not YAML we read: too big, too many aliases, a Python tag, or not YAML at all."""


class _BudgetLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting aliases as the document is composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > ALIAS_BUDGET:
                mark = self.peek_event().start_mark
                raise UnsafeYaml(
                    f"more than {ALIAS_BUDGET} YAML aliases (line {mark.line + 1}): "
                    "a parameters file needs none; write the values out"
                )
        return super().compose_node(parent, index)


def _mark(exc: yaml.YAMLError) -> str:
    """Where a YAML error is, as ' (line L, column C)': never the snippet of the file PyYAML adds."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


def _problem(exc: yaml.YAMLError) -> str:
    return getattr(exc, "problem", None) or getattr(exc, "context", None) or "not valid YAML"


def load_yaml(path: Path) -> Any:
    """The YAML document in ``path``; :class:`UnsafeYaml` naming the file and what is wrong.

    ``FileNotFoundError`` and other ``OSError`` propagate: the caller knows what the file was for.
    """
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnsafeYaml(f"{path}: larger than {MAX_BYTES // 1024} KB; not a parameters file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsafeYaml(f"{path}: not UTF-8 text (byte {exc.start})") from None
    loader = _BudgetLoader(text)
    try:
        return loader.get_single_data()
    except UnsafeYaml as exc:
        raise UnsafeYaml(f"{path}: {exc}") from None
    except yaml.constructor.ConstructorError as exc:
        if "python/" in str(exc.problem):
            raise UnsafeYaml(
                f"{path}: a !!python tag{_mark(exc)}: parameters files hold plain values only"
            ) from None
        raise UnsafeYaml(f"{path}: not valid YAML: {_problem(exc)}{_mark(exc)}") from None
    except yaml.YAMLError as exc:
        raise UnsafeYaml(f"{path}: not valid YAML: {_problem(exc)}{_mark(exc)}") from None
    except RecursionError:
        raise UnsafeYaml(f"{path}: nested too deeply to be a parameters file") from None
    finally:
        loader.dispose()

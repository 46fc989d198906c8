"""The explorer notebook's widgets: filters on the left of the page, results updated in place.

All the logic is here, none in the notebook (which builds an :class:`Explorer` and displays it):
each change of a control recomputes :func:`analysis.explore.view.explore` for the new
:class:`~analysis.explore.state.ExplorerState` and redraws the outputs in place; "Save as briefing
parameters" writes a file for ``python -m analysis briefings --params``.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML, display

from analysis.config import project_path
from analysis.explore.state import ExplorerState, initial_state, save_briefing_parameters
from analysis.explore.view import ExplorerView, explore
from analysis.log.allowed_values import CATEGORIES, NATIONS, PLATFORMS, REPORTERS, ROLES
from analysis.parameters import shared_defaults
from analysis.report.inputs import prepare
from analysis.report.params import validate_parameters
from analysis.rules.catalogue import load_rules

#: Where "Save as briefing parameters" writes unless the analyst names another file.
DEFAULT_SAVE_PATH = "params/explorer.yaml"
_STYLE = {"description_width": "initial"}


def _multi(label: str, options: tuple[str, ...], chosen: tuple[str, ...]) -> widgets.SelectMultiple:
    return widgets.SelectMultiple(
        options=options,
        value=tuple(chosen),
        rows=6,
        description=label,
        style=_STYLE,
        layout=widgets.Layout(width="auto", flex="1 1 0"),
    )


class Explorer:
    """Filters, the Kaplan-Meier chart, outcomes, compliance and counts, kept in step."""

    def __init__(self) -> None:
        start = initial_state()
        # Validated once, at the log's own extract date; the "as at" date is applied afterwards.
        data = prepare(validate_parameters(shared_defaults()))
        self.validation, self.synthetic = data.validation, data.synthetic
        self.complaint_log = start.complaint_log
        self.platforms = _multi("Platforms", PLATFORMS, start.platforms)
        self.nations = _multi("Nations", NATIONS, start.nations)
        self.roles = _multi("Staff roles", ROLES, start.roles)
        self.categories = _multi("Categories", CATEGORIES, start.categories)
        self.reporters = _multi("Who reported", REPORTERS, start.reporters)
        self.rules = _multi("Rules", tuple(r.id for r in load_rules()), start.rules)
        self.period_start = widgets.DatePicker(
            value=start.period_start, description="Received from", style=_STYLE
        )
        self.period_end = widgets.DatePicker(value=start.period_end, description="to", style=_STYLE)
        self.as_at = widgets.DatePicker(value=start.as_at, description="As at", style=_STYLE)
        self.deadline = widgets.BoundedFloatText(
            value=start.deadline_hours, min=1, max=24 * 90, step=1, description="Deadline (hours)", style=_STYLE
        )  # fmt: skip
        self.save_path = widgets.Text(value=DEFAULT_SAVE_PATH, description="File", style=_STYLE)
        self.save_button = widgets.Button(description="Save as briefing parameters", icon="save")
        self.status = widgets.HTML()
        self.outputs = {
            name: widgets.Output(layout=widgets.Layout(max_width="100%", overflow="auto"))
            for name in ("counts", "chart", "outcomes", "compliance", "deadline")
        }
        self.threshold = start.suppression_threshold
        controls = [
            self.platforms, self.nations, self.roles, self.categories, self.reporters, self.rules,
            self.period_start, self.period_end, self.as_at, self.deadline,
        ]  # fmt: skip
        for control in controls:
            control.observe(self.refresh, names="value")
        self.save_button.on_click(self.save)
        self.widget = widgets.VBox(
            [
                widgets.HBox(controls[:3]),
                widgets.HBox(controls[3:6]),
                widgets.HBox(controls[6:]),
                widgets.HBox([self.save_path, self.save_button]),
                self.status,
                self.outputs["counts"],
                self.outputs["chart"],
                widgets.HBox([self.outputs["outcomes"], self.outputs["deadline"]]),
                self.outputs["compliance"],
            ],
            layout=widgets.Layout(max_width="1400px"),
        )
        self.last_seconds = 0.0
        self.refresh()

    def state(self) -> ExplorerState:
        """The filters as chosen now."""
        return ExplorerState(
            period_start=self.period_start.value,
            period_end=self.period_end.value,
            as_at=self.as_at.value,
            platforms=tuple(self.platforms.value),
            nations=tuple(self.nations.value),
            roles=tuple(self.roles.value),
            categories=tuple(self.categories.value),
            reporters=tuple(self.reporters.value),
            rules=tuple(self.rules.value),
            deadline_hours=float(self.deadline.value),
            suppression_threshold=self.threshold,
            complaint_log=self.complaint_log,
        )

    def refresh(self, change: object = None) -> None:
        """Recompute for the current filters and redraw every output in place."""
        started = time.perf_counter()
        try:
            view = explore(self.validation, self.state(), self.synthetic)
        except (TypeError, ValueError) as exc:  # a cleared date, an as-at after the extract...
            self.status.value = f"<b>Not updated:</b> {_escape(exc)}"
            return
        self._draw(view)
        self.last_seconds = time.perf_counter() - started
        self.status.value = f"Updated in {self.last_seconds:.2f} s."

    def _draw(self, view: ExplorerView) -> None:
        parts = {
            "counts": view.counts,
            "chart": view.chart or HTML(f"<p>{_escape(view.chart_note)}</p>"),
            "outcomes": view.outcomes,
            "compliance": view.compliance,
            "deadline": view.deadline,
        }
        for name, shown in parts.items():
            out = self.outputs[name]
            out.clear_output(wait=True)
            if shown is not None:
                with out:
                    display(shown)

    def save(self, button: object = None) -> Path | None:
        """Write the briefing parameters of the current filters; say where, and what is left out."""
        target = project_path(self.save_path.value or DEFAULT_SAVE_PATH)
        try:
            written = save_briefing_parameters(self.state(), target)
        except (TypeError, ValueError) as exc:
            self.status.value = f"<b>Not saved:</b> {_escape(exc)}"
            return None
        shown = (
            written.relative_to(project_path("."))
            if written.is_relative_to(project_path("."))
            else written
        )
        self.status.value = (
            f"Saved <code>{_escape(shown)}</code>: build it with "
            f"<code>python -m analysis briefings --params {_escape(shown)}</code>"
        )
        return written


def _escape(value: object) -> str:
    return html.escape(str(value))

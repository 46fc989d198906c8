"""Computing the results of a complaint log at an extract date, once, as the typed model.

:func:`compute_results` returns :class:`~analysis.results.findings.Results`; :func:`headline`
returns its JSON-mode dict, the layout notebooks and the briefing story read (keys ``schema``,
``provenance``, ``totals``, ``platforms``, ``logrank``, ``rules``, ``capture_recapture``, as in
"headline/1", plus the findings sections; every field is listed in ``docs/figures.md``).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.log.validate import ValidationResult, validate_file
from analysis.measures.answered_only import events_only_medians
from analysis.measures.capture_recapture import capture_recapture
from analysis.measures.counts import count_table, incident_codes, totals
from analysis.measures.curves import curve_points
from analysis.measures.monthly import monthly_counts
from analysis.measures.outcomes import (
    EVERYONE,
    REPORTER_ORDER,
    not_answered_waits,
    outcome_codes,
    outcome_table,
    removal_league,
    reported_before,
    reporter_groups,
)
from analysis.measures.response_times import (
    ALL_GROUPS,
    KaplanMeier,
    complaint_times,
    kaplan_meier,
    time_exclusions,
)
from analysis.results import convert, sections
from analysis.results.findings import Charts, Results
from analysis.results.model import Platform, Provenance, RemovalClock, ResponseClock, RuleRow
from analysis.rules.catalogue import Rule, load_rules
from analysis.rules.compliance import (
    NO_DEADLINE,
    NOT_IN_LOG,
    compliance_table,
    deadline_sensitivity,
)

SCHEMA = "headline/2"
#: Thresholds reported as "share within", and their keys.
WITHIN: dict[str, float] = {"within_24h": 24.0, "within_48h": 48.0, "within_7d": 168.0}
#: Why a rule has no compliance counts, by its evaluation (see :func:`analysis.rules.compliance.evaluation`).
RULE_REASONS: dict[str, str] = {
    NO_DEADLINE: "the rule fixes no hours (e.g. 'swiftly'): see the deadline-sensitivity table",
    NOT_IN_LOG: "the deadline runs from a regulator's order, which a complaint log does not record",
}
#: The dimensions drawn as bar charts of complaints.
BAR_CHARTS: tuple[str, ...] = ("category", "nation", "phase", "role")


def _clock(km: KaplanMeier, group: str) -> ResponseClock | RemovalClock:
    """One clock (response or removal) of one group."""
    med = km.medians.set_index("platform").loc[group]
    shares = km.within[km.within["platform"] == group].set_index("hours")
    fields = {key: convert.within({**shares.loc[h], "hours": h}) for key, h in WITHIN.items()}
    median = convert.median(med["median_hours"], med["lower"], med["upper"])
    if km.outcome == "response":
        return ResponseClock(answered=int(med["events"]), median_hours=median, **fields)
    return RemovalClock(removed=int(med["events"]), median_hours=median, **fields)


def platform_entries(
    log: pd.DataFrame, times: pd.DataFrame, kms: dict[str, KaplanMeier]
) -> dict[str, Platform]:
    """Complaints, reported, and both clocks per platform and for all platforms pooled."""
    complaints = log["platform"].value_counts()
    reported = times["platform"].value_counts()
    out: dict[str, Platform] = {}
    for group in [*complaints.index, ALL_GROUPS]:
        n_reported = int(len(times) if group == ALL_GROUPS else reported.get(group, 0))
        entry: dict[str, object] = {
            "complaints": int(len(log) if group == ALL_GROUPS else complaints[group]),
            "reported": n_reported,
        }
        for name, km in kms.items():
            if n_reported:
                entry[name] = _clock(km, group)
            else:
                entry[name] = None
                entry[f"{name}_reason"] = (
                    "no complaint reported to the platform before the extract date"
                )
        out[str(group)] = Platform(**entry)
    return out


def select_rules(rule_ids: list[str] | None) -> list[Rule]:
    """The catalogue's rules (None), or those named (an unknown id is an error listing the known ones)."""
    rules = load_rules()
    if rule_ids is None:
        return rules
    by_id = {r.id: r for r in rules}
    unknown = [i for i in rule_ids if i not in by_id]
    if unknown:
        raise ValueError(f"unknown rule id(s) {', '.join(unknown)}; known: {', '.join(by_id)}")
    return [by_id[i] for i in rule_ids]


def _rules(times: pd.DataFrame, rules: list[Rule]) -> list[RuleRow]:
    """Compliance per rule and platform, one flat row each (``pd.DataFrame(result["rules"])``)."""
    if not rules:
        return []
    table = compliance_table(times, rules)
    titles = {r.id: r.title for r in rules}
    rows = []
    for record in table.to_dict("records"):
        row: dict[str, object] = {"title": titles[record["rule_id"]]}
        for key, value in record.items():
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                row[key] = None
            elif isinstance(value, float | np.floating) and key != "deadline_hours":
                row[key] = round(float(value), 4)
            elif isinstance(value, np.generic):
                row[key] = value.item()
            else:
                row[key] = value
        if row.get("tiers") == "":
            row["tiers"] = None
        if row.get("compliant") is None:
            row["reason"] = RULE_REASONS.get(
                str(row["evaluation"]), "no complaint in scope of the rule"
            )
        elif row.get("km_share") is None:
            row["km_reason"] = "no complaint in scope was followed up to the deadline"
        rows.append(RuleRow(**row))
    return rows


def provenance(
    log: pd.DataFrame, as_of: pd.Timestamp, validation: ValidationResult | None
) -> Provenance:
    """Where the figures come from: the file, its hash, the rows, the extract date, the version."""
    common = {"as_of": as_of.isoformat(), "rows_used": len(log), "package_version": __version__}
    if validation is None:
        return Provenance(
            **common,
            file=None,
            sha256=None,
            rows_read=None,
            rows_rejected=None,
            reason="log given as a DataFrame, not read from a file",
        )
    return Provenance(
        **common,
        file=validation.path.name if validation.path else None,
        sha256=validation.sha256,
        rows_read=validation.rows_read,
        rows_rejected=validation.n_rejected,
    )


def _capture(log: pd.DataFrame, codes: np.ndarray):
    try:
        return sections.capture(capture_recapture(log, codes=codes))
    except ValueError as exc:
        return sections.capture(str(exc))


def _by_reporter(log: pd.DataFrame, as_of: pd.Timestamp, times: pd.DataFrame) -> dict:
    """Outcomes by who reported, and the removal clock by who reported (its log-rank test too)."""
    kept = reported_before(log, as_of)
    groups = reporter_groups(log["reported_by"][kept], log["organisation"][kept])
    codes = outcome_codes(
        log["outcome"].to_numpy()[kept], times["responded"].to_numpy(), times["removed"].to_numpy()
    )
    slim = pd.DataFrame(
        {
            "reporter": groups,
            "hours_to_removal": times["hours_to_removal"].to_numpy(),
            "removed": times["removed"].to_numpy(),
        }
    )
    km = kaplan_meier(slim, "removal", by="reporter", within=(48.0, 168.0))
    return {
        "codes": codes,
        "table": outcome_table(groups, codes, pooled=EVERYONE, first=REPORTER_ORDER),
        "km": km,
    }


def _charts(log: pd.DataFrame, times: pd.DataFrame, kms: dict[str, KaplanMeier]) -> Charts:
    return Charts(
        response_curves=sections.curve(curve_points(kms["response"].survival)),
        removal_curves=sections.curve(curve_points(kms["removal"].survival)),
        removal_deadlines=sections.deadlines(deadline_sensitivity(times, by=None)),
        **{f"by_{dim}": sections.bars(count_table(log, dim), dim) for dim in BAR_CHARTS},
    )


def compute_results(
    log: pd.DataFrame,
    as_of: pd.Timestamp | str,
    rules: list[str] | None = None,
    validation: ValidationResult | None = None,
) -> Results:
    """Every figure of a validated complaint log at an extract date (fields: ``docs/figures.md``).

    ``rules`` limits the rule comparison to those ids (default: every rule in the catalogue;
    an empty list: none). ``validation`` (the validator's result the log came from) fills the
    provenance.
    """
    as_of = pd.Timestamp(as_of)
    selected = select_rules(rules)
    # The measures are independent and spend most of their time in numpy or Arrow, which release
    # the GIL: shared between this thread and two others, a million complaints take about 0.8 s
    # less on a 2-core machine. Each result is what a serial run gives (only read-only frames are
    # shared).
    within = tuple(WITHIN.values())
    with ThreadPoolExecutor(max_workers=2) as pool:
        coding = pool.submit(incident_codes, log)  # shared by totals and capture-recapture
        times = complaint_times(log, as_of)
        compliance = pool.submit(_rules, times, selected)
        removal = pool.submit(kaplan_meier, times, "removal", within=within)
        reporter = pool.submit(_by_reporter, log, as_of, times)
        months = pool.submit(monthly_counts, log)
        kms = {"response": kaplan_meier(times, "response", within=within)}
        codes = coding.result()
        totals_ = {**totals(log, codes), "reported": len(times), **time_exclusions(log, as_of)}
        capture = _capture(log, codes)
        kms["removal"] = removal.result()
        charts = pool.submit(_charts, log, times, kms)
        by_reporter = reporter.result()
        by_platform = outcome_table(times["platform"].to_numpy(), by_reporter["codes"])
        rule_rows = compliance.result()
        sensitivity = events_only_medians(times, kms)
        month_table, peak = months.result()
        chart_series = charts.result()
    return Results(
        schema=SCHEMA,
        provenance=provenance(log, as_of, validation),
        totals=totals_,
        platforms=platform_entries(log, times, kms),
        logrank={name: convert.logrank(km.logrank) for name, km in kms.items()},
        rules=rule_rows,
        capture_recapture=capture,
        outcomes_by_platform=sections.outcomes(by_platform, kms["removal"], "platform"),
        removal_league=sections.league(removal_league(by_platform, kms["removal"].within)),
        outcomes_by_reporter=sections.outcomes(
            by_reporter["table"], by_reporter["km"], "reporter", {ALL_GROUPS: EVERYONE}
        ),
        reporter_logrank=convert.logrank(by_reporter["km"].logrank),
        not_answered=sections.not_answered(not_answered_waits(times), as_of),
        monthly=sections.monthly(month_table, peak),
        median_sensitivity=sections.median_sensitivity(sensitivity),
        charts=chart_series,
    )


def headline(
    log: pd.DataFrame,
    as_of: pd.Timestamp | str,
    rules: list[str] | None = None,
    validation: ValidationResult | None = None,
) -> dict[str, object]:
    """:func:`compute_results` as a plain dict of JSON types (what notebooks and the story read)."""
    return compute_results(log, as_of, rules, validation).model_dump(mode="json")


def results_file(
    path: str | Path, as_of: str | pd.Timestamp, rules: list[str] | None = None
) -> Results:
    """Validate a complaint log file and compute its results (rejected rows are left out)."""
    validation = validate_file(path, as_of)
    return compute_results(validation.valid, validation.as_of, rules, validation)


def headline_file(
    path: str | Path, as_of: str | pd.Timestamp, rules: list[str] | None = None
) -> dict:
    """:func:`results_file` as the :func:`headline` dict."""
    return results_file(path, as_of, rules).model_dump(mode="json")

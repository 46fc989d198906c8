"""The headline results of a complaint log: ONE source of numbers for notebooks, briefings and pipelines.

``python -m analysis analyse LOG --as-of DATE [--rules ID ...] [--json]`` validates the log with the
project's validator and prints :func:`headline` (as stable JSON with ``--json``, else as text).
Notebooks and briefings call :func:`headline` (or :func:`headline_file`) and read numbers from the
returned dict, so a figure in a briefing is the figure in the JSON.

The dict (all keys sorted when serialised; ``schema`` names this layout):

``schema``            "headline/1"
``provenance``        file, sha256, rows_read, rows_rejected, rows_used, as_of (ISO), package version
``totals``            complaints, incidents (distinct posts), complaints_without_content_ref,
                      reported (to the platform before as_of), not_reported, reported_at_or_after_as_of
``platforms``         {platform or "All platforms": {
                         complaints, reported,
                         response: {answered, median_hours, within_24h, within_48h, within_7d},
                         removal:  {removed, median_hours, within_24h, within_48h, within_7d}}}
                      ``median_hours`` is {estimate, lower, upper}: hours, or "not reached" when the
                      curve (or its CI band) never fell to one half; ``within_*`` is {share, lower,
                      upper, at_risk} with share a proportion 0-1 (1 - Kaplan-Meier S(t)), plus
                      ``reason`` when it is null. A platform with no complaint reported before the
                      extract date has ``response``/``removal`` null and ``response_reason``/
                      ``removal_reason``. "All platforms" pools every complaint.
``logrank``           {response, removal}: test_statistic, degrees_of_freedom, p_value, groups
``rules``             [{rule_id, title, platform, evaluation, in_scope, compliant, breached,
                      undetermined, share_compliant/lower/upper (Wilson), km_share/lower/upper, ...}]:
                      the columns of :func:`analysis.rules.compliance.compliance_table`, one flat dict
                      per rule and platform (``pd.DataFrame(result["rules"])`` gives the table back);
                      unscored rules have null counts and a ``reason``
``capture_recapture`` Chapman estimate of distinct incidents from two organisations' logs, with
                      interval, warnings and assumptions (see :mod:`analysis.measures.capture_recapture`)

A value that cannot be computed is ``null`` with a sibling ``reason`` saying why; no NaN ever reaches
the JSON. Hours are rounded to 0.1, shares to 0.0001, p-values to 3 significant figures: finer
precision than that would be noise, and rounding here means every consumer shows the same digits.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.log.validate import ValidationResult, validate_file
from analysis.measures.capture_recapture import capture_recapture
from analysis.measures.counts import incident_codes, totals
from analysis.measures.response_times import (
    ALL_GROUPS,
    KaplanMeier,
    complaint_times,
    kaplan_meier,
    time_exclusions,
)
from analysis.rules.catalogue import Rule, load_rules
from analysis.rules.compliance import NO_DEADLINE, NOT_IN_LOG, compliance_table

SCHEMA = "headline/1"
#: Thresholds reported as "share within", and their keys.
WITHIN: dict[str, float] = {"within_24h": 24.0, "within_48h": 48.0, "within_7d": 168.0}
NOT_REACHED = "not reached"


def _hours(value: float) -> float | str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if math.isinf(value):
        return NOT_REACHED
    return round(float(value), 1)


def _share(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def _sig(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def _clock(km: KaplanMeier, group: str) -> dict[str, object]:
    """One clock (response or removal) of one group, JSON-ready."""
    med = km.medians.set_index("platform").loc[group]
    out: dict[str, object] = {
        "answered" if km.outcome == "response" else "removed": int(med["events"]),
        "median_hours": {
            "estimate": _hours(med["median_hours"]),
            "lower": _hours(med["lower"]),
            "upper": _hours(med["upper"]),
        },
    }
    shares = km.within[km.within["platform"] == group].set_index("hours")
    for key, hours in WITHIN.items():
        row = shares.loc[hours]
        entry: dict[str, object] = {
            "share": _share(row["share"]),
            "lower": _share(row["lower"]),
            "upper": _share(row["upper"]),
            "at_risk": int(row["at_risk"]),
        }
        if not row["estimable"]:
            entry["reason"] = (
                f"no complaint was followed for {hours:g} hours before the extract date"
            )
        out[key] = entry
    return out


def _platforms(log: pd.DataFrame, times: pd.DataFrame, kms: dict[str, KaplanMeier]) -> dict:
    complaints = log["platform"].value_counts()
    reported = times["platform"].value_counts()
    out: dict[str, dict] = {}
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
        out[str(group)] = entry
    return out


def _logrank(km: KaplanMeier) -> dict | None:
    if km.logrank is None:
        return None
    return {
        **km.logrank,
        "p_value": _sig(km.logrank["p_value"]),
        "test_statistic": round(km.logrank["test_statistic"], 2),
    }


def _capture(log: pd.DataFrame, codes: np.ndarray) -> dict[str, object]:
    try:
        result = capture_recapture(log, codes=codes)
    except ValueError as exc:
        return {"estimate": None, "reason": str(exc)}
    out = result.to_dict()
    for key in (
        "estimate",
        "lower",
        "upper",
        "wald_lower",
        "wald_upper",
        "se",
        "unseen",
        "variance",
    ):
        value = out[key]
        out[key] = None if math.isnan(value) or math.isinf(value) else round(value, 1)
    if out["estimate"] is None:
        out["reason"] = result.warnings[0]
    if math.isinf(result.upper):
        out["upper_reason"] = "no overlap between the logs: the data set no upper limit"
    return out


#: Why a rule has no compliance counts, by its evaluation (see :func:`analysis.rules.compliance.evaluation`).
RULE_REASONS: dict[str, str] = {
    NO_DEADLINE: "the rule fixes no hours (e.g. 'swiftly'): see the deadline-sensitivity table",
    NOT_IN_LOG: "the deadline runs from a regulator's order, which a complaint log does not record",
}


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


def _rules(times: pd.DataFrame, rules: list[Rule]) -> list[dict[str, object]]:
    """Compliance per rule and platform, one flat dict per row (``pd.DataFrame(result["rules"])``)."""
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
        rows.append(row)
    return rows


def _provenance(
    log: pd.DataFrame, as_of: pd.Timestamp, validation: ValidationResult | None
) -> dict:
    out: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "rows_used": len(log),
        "package_version": __version__,
    }
    if validation is None:
        out.update(
            file=None,
            sha256=None,
            rows_read=None,
            rows_rejected=None,
            reason="log given as a DataFrame, not read from a file",
        )
    else:
        out.update(
            file=validation.path.name if validation.path else None,
            sha256=validation.sha256,
            rows_read=validation.rows_read,
            rows_rejected=validation.n_rejected,
        )
    return out


def headline(
    log: pd.DataFrame,
    as_of: pd.Timestamp | str,
    rules: list[str] | None = None,
    validation: ValidationResult | None = None,
) -> dict[str, object]:
    """The headline results of a validated complaint log at an extract date (layout: module doc).

    ``rules`` limits the rule comparison to those ids (default: every rule in the catalogue;
    an empty list: none).
    ``validation`` (the validator's result the log came from) fills the provenance.
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
        kms = {"response": kaplan_meier(times, "response", within=within)}
        codes = coding.result()
        totals_ = {**totals(log, codes), "reported": len(times), **time_exclusions(log, as_of)}
        capture = _capture(log, codes)
        kms["removal"] = removal.result()
        rule_rows = compliance.result()
    return {
        "schema": SCHEMA,
        "provenance": _provenance(log, as_of, validation),
        "totals": totals_,
        "platforms": _platforms(log, times, kms),
        "logrank": {name: _logrank(km) for name, km in kms.items()},
        "rules": rule_rows,
        "capture_recapture": capture,
    }


def headline_file(
    path: str | Path, as_of: str | pd.Timestamp, rules: list[str] | None = None
) -> dict:
    """Validate a complaint log file and return its :func:`headline` (rejected rows are left out)."""
    validation = validate_file(path, as_of)
    return headline(validation.valid, validation.as_of, rules, validation)


def _plain(value: object) -> object:
    """numpy scalars and tuples to plain JSON types; refuse NaN (it must have become null + reason)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def to_json(result: dict) -> str:
    """Stable JSON: sorted keys, two-space indent, no NaN (a NaN here is a bug, so it raises)."""
    return json.dumps(_plain(result), sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False)


def _fmt_hours(median: dict) -> str:
    est, lo, hi = (median[k] for k in ("estimate", "lower", "upper"))
    if est is None:
        return "-"
    if est == NOT_REACHED:
        return NOT_REACHED if lo == NOT_REACHED else f"{NOT_REACHED} (CI from {lo} h)"
    return f"{est} h ({lo} to {hi}{'' if hi == NOT_REACHED else ' h'})"


def _fmt_share(entry: dict) -> str:
    if entry["share"] is None:
        return "-"
    return f"{entry['share']:.0%} ({entry['lower']:.0%} to {entry['upper']:.0%})"


def summary_text(result: dict) -> str:
    """The headline as a few readable lines (the JSON has every figure)."""
    prov, tot = result["provenance"], result["totals"]
    lines = [
        f"Complaint log {prov['file'] or '(frame)'}  sha256 {(prov['sha256'] or '-')[:12]}  "
        f"extract date {prov['as_of']}",
        f"  rows read {prov['rows_read']}, rejected {prov['rows_rejected']}, used {prov['rows_used']}",
        f"  {tot['complaints']:,} complaints about {tot['incidents']:,} distinct posts; "
        f"{tot['reported']:,} reported to the platform, {tot['not_reported']:,} not reported",
        "",
        f"  {'platform':<14}{'complaints':>11}  {'median hours to response (95% CI)':<36}"
        f"{'answered within 24 h':<24}{'median hours to removal'}",
    ]
    for name, p in result["platforms"].items():
        response, removal = p["response"], p["removal"]
        lines.append(
            f"  {name:<14}{p['complaints']:>11,}  "
            f"{_fmt_hours(response['median_hours']) if response else '-':<36}"
            f"{_fmt_share(response['within_24h']) if response else '-':<24}"
            f"{_fmt_hours(removal['median_hours']) if removal else '-'}"
        )
    lr = result["logrank"]["response"]
    if lr:
        lines.append(
            f"  Log-rank test of equal response curves across platforms: "
            f"chi2 = {lr['test_statistic']} on {lr['degrees_of_freedom']} df, p = {lr['p_value']}"
        )
    if result["rules"]:
        lines += [
            "",
            "  Rules, all platforms: complaints in scope: compliant / breached / undetermined; "
            "Kaplan-Meier share within the deadline",
        ]
        for r in result["rules"]:
            if r["platform"] != ALL_GROUPS:
                continue
            head = f"  {r['rule_id']:<26}{r['in_scope']:>9,}: "
            if r["compliant"] is None:
                lines.append(head + f"not scored - {r['evaluation']}")
            else:
                km = (
                    f"{r['km_share']:.0%} ({r['km_lower']:.0%} to {r['km_upper']:.0%})"
                    if r["km_share"] is not None
                    else "-"
                )
                lines.append(
                    head + f"{r['compliant']:,} / {r['breached']:,} / {r['undetermined']:,}; {km}"
                )
    cr = result["capture_recapture"]
    lines.append("")
    if cr.get("estimate") is None:
        lines.append(f"  Capture-recapture: not estimated - {cr['reason']}")
    else:
        lines.append(
            f"  Capture-recapture ({' and '.join(cr['sources'])}): about {cr['estimate']:,.0f} "
            f"incidents (95% CI {cr['lower']:,.0f} to {cr['upper']:,.0f}); {cr['observed']:,} seen"
        )
        lines += [f"    caution: {w}" for w in cr["warnings"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis analyse",
        description="Headline results of a complaint log: response times per platform (censored at "
        "the extract date), rule compliance, and the capture-recapture estimate.",
    )
    parser.add_argument("log", type=Path, help="complaint log: CSV, Excel .xlsx or Parquet")
    parser.add_argument("--as-of", required=True, help="extract date (yyyy-mm-dd or dd/mm/yyyy)")
    parser.add_argument("--rules", nargs="+", metavar="ID", help="rule ids (default: all rules)")
    parser.add_argument(
        "--json", action="store_true", help="print JSON (sorted keys) instead of text"
    )
    args = parser.parse_args(argv)
    try:
        result = headline_file(args.log, args.as_of, args.rules)
    except (OSError, ValueError) as exc:  # NotAComplaintLog is a ValueError too
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(to_json(result) if args.json else summary_text(result))
    return 0

"""``python -m analysis analyse``: the results as JSON (``--json``) or as a few readable lines.

The text is a quick look for an analyst at the terminal; every figure in it is read from the model,
and the JSON holds them all (``docs/figures.md`` lists each field and the function behind it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.measures.response_times import ALL_GROUPS
from analysis.results.build import results_file
from analysis.results.convert import NOT_REACHED
from analysis.results.findings import Results, Share
from analysis.results.io import save_results, to_json
from analysis.results.model import Median, Within


def _fmt_hours(median: Median) -> str:
    est, lo, hi = median.estimate, median.lower, median.upper
    if est is None:
        return "-"
    if est == NOT_REACHED:
        return NOT_REACHED if lo == NOT_REACHED else f"{NOT_REACHED} (CI from {lo} h)"
    return f"{est} h ({lo} to {hi}{'' if hi == NOT_REACHED else ' h'})"


def _fmt_share(entry: Within | Share | None) -> str:
    if entry is None or entry.share is None:
        return "-"
    return f"{entry.share:.0%} ({entry.lower:.0%} to {entry.upper:.0%})"


def _platform_lines(result: Results) -> list[str]:
    lines = [
        f"  {'platform':<14}{'complaints':>11}  {'median hours to response (95% CI)':<36}"
        f"{'answered within 24 h':<24}{'median hours to removal'}",
    ]
    for name, p in result.platforms.items():
        response, removal = p.response, p.removal
        lines.append(
            f"  {name:<14}{p.complaints:>11,}  "
            f"{_fmt_hours(response.median_hours) if response else '-':<36}"
            f"{_fmt_share(response.within_24h) if response else '-':<24}"
            f"{_fmt_hours(removal.median_hours) if removal else '-'}"
        )
    for clock, words in (("response", "response"), ("removal", "removal")):
        test = result.logrank[clock]
        if test:
            lines.append(
                f"  Log-rank test of equal {words} curves across platforms: chi2 = "
                f"{test.test_statistic} on {test.degrees_of_freedom} df, p = {test.p_value}"
            )
    return lines


def _outcome_lines(result: Results) -> list[str]:
    everyone = next(o for o in result.outcomes_by_platform if o.group == ALL_GROUPS)
    waits = result.not_answered
    lines = [
        "",
        f"  Outcomes of {everyone.reported:,} reported complaints: taken down "
        f"{_fmt_share(everyone.taken_down)}; no breach found {_fmt_share(everyone.no_breach_found)}"
        f" ({_fmt_share(everyone.no_breach_of_answers)} of answers); {waits.label} "
        f"{_fmt_share(everyone.not_answered)}",
    ]
    if waits.median_days is not None:
        lines.append(
            f"  {waits.label}: median wait {waits.median_days} days by the extract date "
            f"(quartiles {waits.lower_quartile_days} to {waits.upper_quartile_days})"
        )
    lines.append("  Taken down within 7 days, by who reported:")
    for o in result.outcomes_by_reporter:
        lines.append(f"    {o.group:<28}{o.reported:>6,}  {_fmt_share(o.removed_within_7d)}")
    if result.reporter_logrank:
        lines.append(f"    log-rank p = {result.reporter_logrank.p_value}")
    if result.monthly.peak:
        lines.append(
            f"  Peak month {result.monthly.peak_month}: {result.monthly.peak.count:,} complaints, "
            f"{result.monthly.peak.share:.0%} of all"
        )
    return lines


def _rule_lines(result: Results) -> list[str]:
    lines = [
        "",
        "  Rules, all platforms: complaints in scope: compliant / breached / undetermined; "
        "Kaplan-Meier share within the deadline",
    ]
    for r in result.rules:
        if r.platform != ALL_GROUPS:
            continue
        head = f"  {r.rule_id:<26}{r.in_scope:>9,}: "
        if r.compliant is None:
            lines.append(head + f"not scored - {r.evaluation}")
            continue
        km = (
            f"{r.km_share:.0%} ({r.km_lower:.0%} to {r.km_upper:.0%})"
            if r.km_share is not None
            else "-"
        )
        lines.append(head + f"{r.compliant:,} / {r.breached:,} / {r.undetermined:,}; {km}")
    return lines


def summary_text(result: Results) -> str:
    """The results as a few readable lines (the JSON has every figure)."""
    prov, tot = result.provenance, result.totals
    lines = [
        f"Complaint log {prov.file or '(frame)'}  sha256 {(prov.sha256 or '-')[:12]}  "
        f"extract date {prov.as_of}",
        f"  rows read {prov.rows_read}, rejected {prov.rows_rejected}, used {prov.rows_used}",
        f"  {tot.complaints:,} complaints about {tot.incidents:,} distinct posts; "
        f"{tot.reported:,} reported to the platform, {tot.not_reported:,} not reported",
        "",
        *_platform_lines(result),
    ]
    if tot.reported:
        lines += _outcome_lines(result)
    if result.rules:
        lines += _rule_lines(result)
    cr = result.capture_recapture
    lines.append("")
    if cr.estimate is None:
        lines.append(f"  Capture-recapture: not estimated - {cr.reason}")
    else:
        lines.append(
            f"  Capture-recapture ({' and '.join(cr.sources or [])}), assuming independent logs: "
            f"about {cr.estimate:,.0f} incidents (95% CI {cr.lower:,.0f} to {cr.upper:,.0f}); "
            f"{cr.observed:,} seen"
        )
        lines += [
            f"    if dependent (odds ratio {d.odds_ratio:g}): about {d.estimate:,.0f}"
            for d in cr.dependence
            if d.odds_ratio != 1
        ]
        lines += [f"    caution: {w}" for w in cr.warnings]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis analyse",
        description="Results of a complaint log: response times and outcomes per platform and by "
        "who reported (censored at the extract date), complaints by month, rule compliance, and "
        "the capture-recapture estimate with its sensitivity to dependent sources.",
    )
    parser.add_argument("log", type=Path, help="complaint log: CSV, Excel .xlsx or Parquet")
    parser.add_argument("--as-of", required=True, help="extract date (yyyy-mm-dd or dd/mm/yyyy)")
    parser.add_argument("--rules", nargs="+", metavar="ID", help="rule ids (default: all rules)")
    parser.add_argument(
        "--json", action="store_true", help="print JSON (sorted keys) instead of text"
    )
    parser.add_argument("--out", type=Path, help="also save the results as JSON to this file")
    args = parser.parse_args(argv)
    try:
        result = results_file(args.log, args.as_of, args.rules)
    except (OSError, ValueError) as exc:  # NotAComplaintLog is a ValueError too
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        save_results(result, args.out)
    print(to_json(result) if args.json else summary_text(result))
    return 0

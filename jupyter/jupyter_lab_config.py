# JupyterLab for this project (see jupyter_server_config.py): it opens on the landing notebook,
# and fetches no news and checks for no update, so nothing is asked of the internet and no banner
# asks the analyst about it.
c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

c.LabApp.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"

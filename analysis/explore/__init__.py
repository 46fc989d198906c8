"""Working in JupyterLab: the explorer's state and widgets, and the notebooks' generated cells.

The last stage of the package: it may import from every other one, and nothing imports it.
"""

"""Parameterised notebooks executed with papermill and rendered as briefings (HTML and PDF).

- :mod:`analysis.report.params`    the notebooks' parameters, checked with pydantic;
- :mod:`analysis.report.inputs`    the validated log, filtered as the parameters say, and its headline;
- :mod:`analysis.report.page`      what the notebook hands the renderer (page margins, chart outputs);
- :mod:`analysis.report.runner`    papermill execution with failures named by notebook and cell;
- :mod:`analysis.report.render`    executed notebook -> HTML (nbconvert, own template) -> PDF (WeasyPrint);
- :mod:`analysis.report.briefings` the ``python -m analysis briefings`` command.
"""

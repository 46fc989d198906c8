"""Evidence suite on online abuse of school staff.

The package is laid out in stages, and a module imports only from stages before it
(``tests/test_layers.py`` enforces this):

1. ``config``     - where the project's files are, and the few settings users may change;
2. ``log``        - the complaint-log contract: reading, date parsing, validation, sample data;
3. ``text``       - redaction and text analysis of free-text descriptions;
4. ``measures``   - counts, response times with censoring, capture-recapture;
5. ``rules``      - the takedown-rule catalogue and compliance of complaints with each rule;
6. ``tdb``        - the EU DSA Transparency Database, ingested and measured at scale;
7. ``publish``    - disclosure control, tables and charts fit for publication;
8. ``kernels``  - Jupyter kernels forked from a process that has imported the libraries;
9. ``report``     - parameterised notebooks executed and rendered as briefings;
10. ``cli``        - the ``python -m analysis`` command line.
"""

__version__ = "0.1.0"

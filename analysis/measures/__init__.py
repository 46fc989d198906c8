"""Stage 4: measures on a validated complaint log.

- :mod:`~analysis.measures.response_times` - hours to first response and to removal per complaint,
  censored at the extract date, and Kaplan-Meier estimates per platform;
- :mod:`~analysis.measures.counts` - complaints and distinct incidents by period and group, with
  exact Poisson intervals, and a month-on-month trend table;
- :mod:`~analysis.measures.capture_recapture` - the Chapman estimate of the number of incidents when
  two organisations' logs overlap;
- :mod:`~analysis.measures.intervals` - the Wilson interval for a share, and the one rule for when a
  Kaplan-Meier share uses it (here and in :mod:`analysis.rules.compliance`).

Every function takes the frame of :func:`analysis.log.validate.validate` (or one built by hand with
the same columns) and returns tidy pandas objects; none reads files.
"""

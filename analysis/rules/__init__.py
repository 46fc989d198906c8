"""Takedown rules: the catalogue in ``data/rules/`` and how the complaints on record fare under each."""

"""Stage 2: the complaint-log contract - reading, parsing dates, validating, and sample data."""

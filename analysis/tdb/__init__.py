"""Stage 5: the EU DSA Transparency Database - ingest the daily archives, measure, set beside.

``ingest`` turns the Commission's daily archives into a Parquet dataset partitioned by day;
``measures`` runs one Ibis expression on DuckDB (default) or Spark; ``beside`` sets complaint-log
results, TDB measures and published figures side by side without merging them.
"""

"""DuckDB storage: schema, connection, the single write path (ingestion) and named queries."""

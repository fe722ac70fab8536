"""DuckDB storage: schema, connection, the single write path (ingestion) and named queries."""
# formats first: it includes the department kinds, whose module reads formats while it is being built.
from analysis.store import formats  # noqa: E402, F401

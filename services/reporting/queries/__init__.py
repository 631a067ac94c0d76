"""SQL queries over the read models, shared by the HTTP API and the metrics."""

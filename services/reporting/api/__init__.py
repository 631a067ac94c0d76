"""HTTP queries of the reporting service."""

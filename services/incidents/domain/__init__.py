"""Aggregates of the incidents service, one module per record kind."""

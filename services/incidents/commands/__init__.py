"""Command groups of the incidents application, one module per record kind."""

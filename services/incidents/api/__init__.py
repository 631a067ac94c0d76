"""HTTP commands and queries of the incidents service, one router per record kind."""

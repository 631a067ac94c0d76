"""HTTP commands and queries of the staffing service, one router per subject."""

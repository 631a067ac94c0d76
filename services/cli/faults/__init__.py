"""The fault-injection suite (`ssp faults`, `make faults`)."""

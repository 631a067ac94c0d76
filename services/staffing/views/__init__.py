"""The query side of staffing: lookups over its own notification log and the listings."""

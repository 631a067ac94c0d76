"""Disaster recovery: base backups, point-in-time restores of a store, republishing to Kafka."""

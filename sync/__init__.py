"""Encrypted local store, device keys, outbox and heartbeat.

Filled by the study records and sync issues."""

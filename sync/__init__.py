"""Encrypted local store, device keys, outbox and heartbeat (filled by the records and sync issues)."""

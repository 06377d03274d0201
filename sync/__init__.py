"""Encrypted local store, device keys, outbox and heartbeat, and the platform's client."""

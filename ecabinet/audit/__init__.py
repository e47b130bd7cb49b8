"""Append-only, hash-chained log of security-relevant events."""

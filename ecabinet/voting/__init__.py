"""Voting: ballots in a session and written polls between sessions (to be built on core.realtime)."""

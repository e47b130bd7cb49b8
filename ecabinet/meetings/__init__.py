"""Sessions (phiên họp), their agenda, participants and lifecycle."""

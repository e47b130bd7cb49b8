"""A session's archive: the condition for archiving it, and the whole session as one ZIP (signed
minutes, signed notice, meeting book, ballots, attendance, a manifest of SHA-256 sums, a README)."""

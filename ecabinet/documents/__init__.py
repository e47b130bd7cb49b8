"""Documents of a session: upload, versions, secure delivery, reading, notes, the meeting book."""

"""The conclusions notice (thông báo kết luận) of a session: drafted from the signed minutes, issued
as a signed PDF in the official layout, and sent to the session's participants."""

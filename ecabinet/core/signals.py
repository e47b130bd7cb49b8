"""Blinker signals between domains, so that e.g. accounts need not import live."""
from blinker import Namespace

_signals = Namespace()

# Sent with the user whose sessions just ended (logout, deactivation, password
# change); the live domain disconnects their sockets after the commit.
user_sessions_revoked = _signals.signal("user-sessions-revoked")

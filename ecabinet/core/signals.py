"""Blinker signals between domains, so that e.g. accounts need not import live."""
from blinker import Namespace

_signals = Namespace()

# Sent with the user whose sessions just ended (logout, deactivation, password
# change); the live domain disconnects their sockets after the commit.
user_sessions_revoked = _signals.signal("user-sessions-revoked")

# Sent with the session whose agenda items were added, edited, removed (`removed_item_id`) or
# reordered, after the flush and before the commit; the live domain tells the room (after the commit).
agenda_changed = _signals.signal("agenda-changed")

# Sent with the session whose lifecycle status just changed (`previous`: the status it had), before
# the commit; the live domain closes the floor of a session that ended.
meeting_status_changed = _signals.signal("meeting-status-changed")

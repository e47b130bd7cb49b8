"""The minutes domain on the sockets: `minutes` tells every reader's open pages that the minutes
changed (finalised, signed, given a new signing order), so the signer whose turn has come learns
it without reloading, and the notice page learns that the minutes are signed by everyone.

Readers of a session's minutes are not in its live room (the session is usually over): the push goes
to each reader's own room (core.realtime.user_room), which every socket of theirs joins at connect.
"""
from ecabinet.core import realtime
from ecabinet.core.realtime import user_room
from ecabinet.minutes.access import minutes_reader_ids


def signing_payload(meeting, minutes, state):
    """`minutes` {meeting_id, status, signers_version, signed, required, complete, turn_user_id}:
    `state` is minutes.signatures.signing_state (`minutes` None before the first save); `status` and
    `signers_version` together say whether a page shows the minutes as they are now."""
    signed = sum(1 for entry in state if entry["signed_at"] is not None)
    turn = next((entry["slot"].user_id for entry in state if entry["turn"]), None)
    status, version = (minutes.status.value, minutes.signers_version) if minutes is not None else ("draft", 0)
    return {"meeting_id": meeting.id, "status": status, "signers_version": version,
            "signed": signed, "required": len(state), "complete": bool(state) and signed == len(state),
            "turn_user_id": turn}


def announce_signing_changed(meeting, minutes, state):
    """After the commit: `minutes` to every reader's sockets (one message per reader however many
    changes the transaction made)."""
    payload = signing_payload(meeting, minutes, state)
    for user_id in minutes_reader_ids(meeting):
        realtime.broadcast(meeting.id, "minutes", payload, to=user_room(user_id), key=("minutes", meeting.id, user_id))

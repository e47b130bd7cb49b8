"""The voting domain in the live room. Ballots do not exist yet; the protocol's join snapshot already
names `open_ballots`, so the section is declared here, where the ballots will come from: when they
do, `shared` reads the session's open ballots, `watch` names the Ballot model, and socket events such
as `vote` are declared here with core.realtime.event. The live package needs no change for that."""
from ecabinet.core import realtime


def open_ballots(meeting):
    """The session's open ballots, shared by the room's joins (none until ballots exist)."""
    return []


realtime.snapshot_section("open_ballots", shared=open_ballots)

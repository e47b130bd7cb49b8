"""Pages: the ballots panel on the session page (results, CSV links); hooks into the meetings domain."""
from flask import url_for

from ecabinet.voting import access, payloads
from ecabinet.voting.models import BallotStatus

def ballots_panel(meeting, user):
    """The session page's panel: every ballot the user may see, with its stored result."""
    ballots = [b for b in payloads.ballots_of(meeting.id) if access.can_view_ballot(user, b)]
    if not ballots:
        return None
    return "voting/_panel.html", {
        "ballots": [payloads.minutes_record(b) for b in ballots],
        "closed": BallotStatus.CLOSED.value,
        "csv_url": url_for("voting_api.meeting_csv", meeting_id=meeting.id),
        "ballot_csv_url": url_for("voting_api.ballot_csv", ballot_id=0).replace("/0/", "/{id}/"),
    }


def register_hooks():
    from ecabinet.meetings import views as meetings_views

    meetings_views.page_panel(ballots_panel, order=60)

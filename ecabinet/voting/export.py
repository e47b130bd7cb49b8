"""Ballot results as CSV: one ballot (its summary, then each vote or tracking code), or a session's
ballots one row each. Headers in Vietnamese, values as stored (never recomputed)."""
import csv
import io

from flask_babel import gettext as _

from ecabinet.core.formats import format_datetime
from ecabinet.voting import payloads
from ecabinet.voting.models import BallotStatus, Choice

_SUMMARY = ("ballot_id", "question", "agenda_item", "secret", "rule", "status", "opened_at", "closed_at",
            "member_total", "eligible", "yes", "no", "abstain", "not_voted", "by_hand", "result", "tied",
            "quorum_met", "override_reason")


def _when(moment):
    return format_datetime(moment, seconds=True)


def _summary_row(ballot):
    record = payloads.minutes_record(ballot)
    counts = record["counts"] or {}
    return [ballot.id, ballot.question, record["agenda_item_title"] or "", "1" if ballot.secret else "0",
            ballot.rule.value, ballot.status.value, _when(ballot.opened_at), _when(ballot.closed_at),
            _blank(ballot.member_total), _blank(ballot.eligible_count), _blank(counts.get("yes")),
            _blank(counts.get("no")), _blank(counts.get("abstain")), _blank(counts.get("not_voted")),
            _blank(record["by_hand"]), record["result"] or "", _flag(ballot.tied), _flag(ballot.quorum_met),
            ballot.override_reason or ""]


def _blank(value):
    return "" if value is None else value


def _flag(value):
    return "" if value is None else ("1" if value else "0")


def meeting_csv(meeting, ballots):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_SUMMARY)
    for ballot in ballots:
        writer.writerow(_summary_row(ballot))
    return out.getvalue()


def ballot_csv(ballot):
    """The summary, then (closed) every vote of an open ballot, or every tracking code of a secret one."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_SUMMARY)
    writer.writerow(_summary_row(ballot))
    if ballot.status == BallotStatus.CLOSED:
        writer.writerow([])
        if ballot.secret:
            writer.writerow(["tracker", "choice", _("Choice")])
            for entry in payloads.trackers(ballot):
                writer.writerow([entry["tracker"], entry["choice"], payloads.choice_label(Choice(entry["choice"]))])
        else:
            writer.writerow(["user_id", "full_name", "choice", _("Choice"), "by_hand"])
            for entry in payloads.open_votes(ballot):
                writer.writerow([entry["user_id"], entry["full_name"], entry["choice"],
                                 payloads.choice_label(Choice(entry["choice"])), "1" if entry["by_hand"] else "0"])
    return out.getvalue()

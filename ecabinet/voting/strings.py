"""What the live pages' ballot scripts need: the API's addresses and every text they show (translated
here, on the server: the pages' policy allows no inline script, and the scripts have no catalog)."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.voting import access


def ballot_client_config(meeting):
    """The JSON data block of static/js/live/ballot.js and ballot-console.js; `can_run` and
    `can_record_by_hand` only choose which controls the console shows (the API decides)."""
    return {
      "can_run": access.can_run_ballots_in(current_user, meeting),
      "can_record_by_hand": access.can_record_by_hand_in(current_user, meeting),
      "ballots_url": url_for("voting_api.list_ballots", meeting_id=meeting.id),
      "ballot_url": url_for("voting_api.get_ballot", ballot_id=0).replace("/0", "/{id}"),
      "csv_url": url_for("voting_api.meeting_csv", meeting_id=meeting.id),
      "strings": {
        "yes": _("In favour"), "no": _("Against"), "abstain": _("Not voting"), "not_voted": _("Did not vote"),
        "vote_title": _("Vote"), "secret": _("Secret ballot"), "open_vote": _("Open vote"),
        "confirm": _("Confirm my vote"), "change": _("Choose again"), "your_choice": _("Your choice:"),
        "voted": _("Your vote has been recorded."), "voted_as": _("You voted: %(choice)s"),
        "receipt": _("Your tracking code (shown once — note it to check the published result):"),
        "receipt_counted": _("Your tracking code %(code)s is counted as: %(choice)s"),
        "progress": _("%(voted)s/%(total)s have voted"), "not_eligible": _("You do not vote in this ballot."),
        "passed": _("Passed"), "failed": _("Not passed"), "result": _("Result"), "members": _("Member total"),
        "close": _("Close"), "hide": _("Hide"), "show": _("Show the ballot"),
        "override": _("Opened without quorum: %(reason)s"),
        "tie_outcomes": {
            "chair_vote": _("Tie, settled by the chair's vote"), "fails": _("Tie: does not pass"),
            "chair_declared": _("Tie in a secret ballot, settled by the chair's deciding choice: %(choice)s"),
            "no_chair_choice": _("Tie, and the chair's choice is not known (secret ballot closed without it, "
                                 "or the chair did not vote): does not pass")},
        "by_hand": _("recorded by hand"),
        "casting_title": _("The vote is tied. The body's rules let the chair decide:"),
        "cancel": _("Cancel"),
        "chair_runs": _("The chair opens and closes the vote."),
        "hand_confirm": _("Record by hand for %(name)s: %(choice)s?"),
        "hand_confirm_button": _("Record this vote"), "hand_checking": _("Checking…"),
        "hand_refused_voted": _("%(name)s has already voted."),
        "hand_refused_closed": _("This ballot is no longer open."),
        "ballots": _("Ballots"), "prepare": _("Prepare a ballot"), "question": _("Question"),
        "rule": _("Rule"), "secret_label": _("Secret ballot"), "allow_change": _("Voters may change their vote while it is open"),
        "time_limit": _("Time limit (seconds, optional)"), "item": _("Agenda item"), "none": _("—"),
        "save": _("Prepare"), "open": _("Open the vote"), "close_vote": _("Close the vote"), "delete": _("Remove"),
        "no_quorum": _("There is no quorum. Give a reason to open the ballot anyway:"),
        "not_voted_list": _("Not voted yet"), "record_by_hand": _("Record a vote by hand"), "record": _("Record"),
        "status_draft": _("Prepared"), "status_open": _("Voting"), "status_closed": _("Closed"),
        "rules": {"majority_of_members": _("More than half of all members"),
                  "majority_of_present": _("More than half of the members present"),
                  "two_thirds_of_members": _("Two thirds of all members")},
        "export": _("Export CSV"), "error": _("The action failed. Please try again."),
        "question_required": _("Write the question the members vote on."),
      }
    }

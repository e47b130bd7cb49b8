"""The time limit's job: every server process checks once a tick for open ballots past their
`closes_at` and closes them. The deadline is a column, so a restart loses nothing; closing is a
conditional UPDATE (voting.operations.close_ballot), so when several processes see the same ballot
due, exactly one closes it and announces the result."""
import logging

from ecabinet.extensions import db, socketio

log = logging.getLogger(__name__)


def close_due_ballots(now=None):
    """Close every ballot whose time limit passed; each in its own transaction. Returns the ids this
    process closed."""
    from ecabinet.voting import events, operations
    from ecabinet.voting.models import Ballot

    closed = []
    for ballot_id in operations.due_ballot_ids(now):
        try:
            ballot = db.session.get(Ballot, ballot_id)
            if ballot is not None and operations.close_ballot(ballot, by_time_limit=True):
                events.announce_closed(ballot)
                closed.append(ballot_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("ballot %s could not be closed at its time limit", ballot_id)
    return closed


def _run(app):
    tick = app.config["BALLOT_TICK_SECONDS"]
    while True:
        socketio.sleep(tick)
        with app.app_context():
            try:
                close_due_ballots()
            except Exception:
                log.exception("the ballots' time limit job failed")
            finally:
                db.session.remove()


def start_time_limit_job(app):
    """Before serving: start this process's ticker (an on_serve hook)."""
    socketio.start_background_task(_run, app)

"""The polls' scheduled work: close polls whose deadline passed, send the one reminder before it.

The schedule is rows, not memory: every server process runs `tick` every POLL_TICK_SECONDS in a
background task, and `ecabinet polls tick` runs it from cron. Each poll is claimed with a
conditional UPDATE (operations.close_poll, operations.claim_reminder), so however many run at once,
each poll is closed once and reminded once, and a restart loses nothing.
"""
import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ecabinet.core.db import utcnow
from ecabinet.core.errors import InvalidState
from ecabinet.core.mail import mail_configured, send_mail
from ecabinet.core.formats import format_datetime
from ecabinet.extensions import db
from ecabinet.polls import operations
from ecabinet.polls.models import CloseReason, Poll

log = logging.getLogger(__name__)


def close_due(now=None):
    """Close every poll past its deadline that no one else closed first; the ids this call closed."""
    now = now or utcnow()
    closed = []
    for poll_id in operations.due_poll_ids(now):
        poll = db.session.get(Poll, poll_id)
        try:
            operations.close_poll(poll, reason=CloseReason.DEADLINE, now=now)
            db.session.commit()
            closed.append(poll_id)
        except InvalidState:  # another process (or the chair) closed it first
            db.session.rollback()
    return closed


def remind_due(now=None):
    """Send each due poll's reminder once: {poll_id: number of e-mails sent}."""
    now = now or utcnow()
    sent = {}
    for poll_id in operations.due_reminder_ids(now):
        if not operations.claim_reminder(poll_id, now):
            db.session.rollback()
            continue
        db.session.commit()  # the claim is final before any e-mail leaves: once, never twice
        poll = db.session.get(Poll, poll_id)
        sent[poll_id] = _email_reminders(poll, now) if mail_configured() else 0
    return sent


def _email_reminders(poll, now):
    count = 0
    for recipient in operations.not_answered(poll):
        user = recipient.user
        if not user.email:
            continue
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("Reminder: written poll “%(title)s”", title=poll.title)
            text = _("Dear %(name)s,\n\nYou have not yet answered the written poll “%(title)s” of %(body)s. "
                     "Answers are accepted until %(deadline)s.\n\nE-Cabinet",
                     name=user.full_name, title=poll.title, body=poll.body.name,
                     deadline=format_datetime(poll.deadline))
        try:
            send_mail(user.email, subject, text)
        except OSError:
            log.exception("poll %s: the reminder to %s could not be sent", poll.id, user.email)
            continue
        recipient.reminder_sent_at = now
        db.session.commit()
        count += 1
    return count


def tick(now=None):
    """One round of the polls' scheduled work."""
    return {"closed": close_due(now), "reminded": remind_due(now)}


def run_forever(app):
    """The background task of a server process (started by the on_serve hook)."""
    from ecabinet.extensions import socketio

    interval = app.config["POLL_TICK_SECONDS"]
    while True:
        with app.app_context():
            try:
                tick()
            except Exception:  # a bad round must not stop the schedule; the next one retries
                log.exception("polls tick failed")
                db.session.rollback()
            finally:
                db.session.remove()
        socketio.sleep(interval)


def start_ticker(app):
    if app.config.get("POLL_TICK_SECONDS", 0) > 0:
        from ecabinet.extensions import socketio

        socketio.start_background_task(run_forever, app)

"""Sending the issued notice by e-mail (the signed PDF attached, and the link to the session's
notice page) to every recipient with an address, when SMTP is configured. It runs after the commit
that issued the notice: an SMTP failure is logged and never undoes the issue; `emailed_at` says who
got it."""
import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ecabinet.core.db import utcnow
from ecabinet.core.mail import mail_configured, send_mail
from ecabinet.core.timeutil import to_local
from ecabinet.extensions import db
from ecabinet.notices import operations

log = logging.getLogger(__name__)


def file_name(meeting):
    return f"thong-bao-ket-luan-phien-hop-{meeting.id}.pdf"


def email_notice(notice):
    """E-mail the issued notice to its recipients not e-mailed yet; the number sent."""
    if not mail_configured() or not notice.is_issued:
        return 0
    meeting = notice.meeting
    link = current_app.config["PUBLIC_URL"].rstrip("/") + f"/meetings/{meeting.id}/notice"
    sent = 0
    for recipient in operations.recipients(notice):
        user = recipient.user
        if recipient.emailed_at is not None or not user.email or not user.active:
            continue
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("Conclusions notice: %(title)s", title=meeting.title)
            text = _("Dear %(name)s,\n\nThe conclusions notice of the session “%(title)s” of %(body)s was issued and "
                     "signed on %(time)s. The signed PDF is attached; it can also be read at:\n%(link)s\n\nE-Cabinet",
                     name=user.full_name, title=meeting.title, body=meeting.body.name, link=link,
                     time=to_local(notice.issued_at).strftime("%H:%M %d/%m/%Y"))
        try:
            send_mail(user.email, subject, text, attachments=[(file_name(meeting), notice.pdf, "application/pdf")])
        except OSError:
            log.exception("notice %s: the e-mail to %s could not be sent", notice.id, user.email)
            continue
        recipient.emailed_at = utcnow()
        db.session.commit()
        sent += 1
    return sent

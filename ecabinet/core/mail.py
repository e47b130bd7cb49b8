"""Outgoing e-mail through the SMTP server of the settings (ECABINET_SMTP_*); none configured, none sent."""
import smtplib
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app


def mail_configured():
    return bool(current_app.config.get("SMTP_HOST"))


def send_mail(to, subject, text, attachments=()):
    """Send one plain-text message (UTF-8), with `attachments` ((file name, bytes, MIME type) each);
    raise on an SMTP failure so the caller can log it."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((config.get("MAIL_FROM_NAME") or "E-Cabinet", config["MAIL_FROM"]))
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    for filename, data, mimetype in attachments:
        maintype, _slash, subtype = mimetype.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)

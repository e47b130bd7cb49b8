"""`ecabinet ca init` and `ecabinet ca issue USERNAME [--pin PIN]`: the internal CA for pilots."""
import functools

import click
from flask import current_app
from flask.cli import with_appcontext

from ecabinet.core.formats import format_date


def with_request_context(command):
    """Domain messages are worded in a language chosen per request: give the command one."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context():
            return command(*args, **kwargs)

    return wrapper


@click.group("ca")
def ca_group():
    """The internal certificate authority for pilots."""


@ca_group.command("init")
@click.option("--name", "common_name", help="The CA's common name (default: the organisation's).")
@with_appcontext
@with_request_context
def ca_init_command(common_name):
    """Create the root CA; print where its certificate is."""
    from ecabinet.core.errors import DomainError
    from ecabinet.extensions import db
    from ecabinet.signing import operations

    try:
        path = operations.init_ca(common_name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    key_path, _cert = operations.ca_paths()
    click.echo(f"CA certificate: {path}")
    click.echo(f"CA private key: {key_path} (mode 600; keep a backup offline)")
    click.echo(f"CRL served at: {operations.crl_url()}")


@ca_group.command("issue")
@click.argument("username")
@click.option("--pin", help="The user's signing PIN (asked for when left out; never stored).")
@click.option("--days", type=int, help="Validity in days (default ECABINET_SIGNING_CERTIFICATE_DAYS).")
@with_appcontext
@with_request_context
def ca_issue_command(username, pin, days):
    """Issue a signing certificate for USERNAME, its key encrypted under the user's PIN."""
    from sqlalchemy import select

    from ecabinet.accounts.models import User
    from ecabinet.core.errors import DomainError
    from ecabinet.extensions import db
    from ecabinet.signing import operations

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    if pin is None:
        pin = click.prompt("PIN for signing", hide_input=True, confirmation_prompt=True)
    try:
        row = operations.issue_certificate(user, pin, days=days)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Issued certificate {row.serial} for {user.full_name}")
    click.echo(f"  subject: {row.subject}")
    click.echo(f"  valid until: {format_date(row.not_after)}")
    click.echo("  key: stored in the database, encrypted under the user's PIN")

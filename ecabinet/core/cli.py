"""The `ecabinet` commands (also reachable as `flask --app wsgi ...`)."""
import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext


def console(create_app):
    """The `ecabinet` command group around the application factory (ecabinet.cli passes it in, so
    that this module never imports the package that builds the app and registers these commands)."""
    @click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=False,
                 help="E-Cabinet: paperless meeting room. Settings come from ECABINET_* variables.")
    def cli():
        pass

    return cli


def register_cli(app):
    """Commands attached to the app, so `flask --app wsgi` sees them as well."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(run_command)
    app.cli.add_command(audit_group)


@click.command("create-user")
@click.argument("username")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--full-name", required=True, help='Full name, e.g. "Nguyễn Văn An".')
@click.option("--title", help="Title (chức vụ).")
@click.option("--unit", help="Unit (đơn vị) name; created when new.")
@click.option("--email")
@click.option("--admin", is_flag=True, help="Administrator.")
@click.option("--secretariat", is_flag=True, help="Secretariat: prepares sessions.")
@with_appcontext
def create_user_command(username, password, full_name, title, unit, email, admin, secretariat):
    """Create a user and print their id."""
    from ecabinet.accounts import operations
    from ecabinet.core.errors import DomainError
    from ecabinet.extensions import db

    try:
        user = operations.create_user(
            username, full_name, password, title=title, email=email,
            unit=operations.get_or_create_unit(unit) if unit else None,
            is_admin=admin, is_secretariat=secretariat)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(user.id)


@click.command("seed-demo")
@click.option("--reset", is_flag=True,
              help="First delete every row of the database and every stored document file (the schema, the "
                   "instance folder's secret key and the signing CA stay), then load the demo afresh: brings "
                   "the demo back after its session was run, ended or archived. Refused in production.")
@click.option("--yes", is_flag=True, help="Do not ask before --reset deletes.")
@with_appcontext
def seed_demo_command(reset, yes):
    """Load a realistic provincial session (once) and print the demo logins."""
    from ecabinet.core.errors import DomainError
    from ecabinet.demo import reset_demo, seed_demo
    from ecabinet.extensions import db

    if reset:
        where = db.engine.url.render_as_string(hide_password=True)
        if not yes:
            click.confirm(f"Delete every session, document and account in {where} and the stored files in "
                          f"{current_app.config['STORAGE_DIR']}, then load the demo afresh?", abort=True)
        try:
            deleted = reset_demo()
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        click.echo(f"Deleted the previous data: {deleted['rows']} rows in {deleted['tables']} tables of {where}, "
                   f"{deleted['files']} stored document files.")
    report = seed_demo()
    for line in report["summary"]:
        click.echo(line)
    for line in report["notes"]:
        click.echo(line)
    if reset:
        click.echo("Restart a running server (it keeps state of the deleted sessions); sign in again on every "
                   "screen.")
    click.echo("Demo logins (password for every account: %s):" % report["password"])
    for username, description in report["accounts"]:
        click.echo(f"  {username:<16} {description}")


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def run_command(host, port):
    """Serve the application with eventlet (web pages, API and Socket.IO)."""
    from ecabinet.server import serve

    click.echo(f"E-Cabinet is running at http://{host}:{port}/  (Ctrl+C to stop)")
    serve(current_app._get_current_object(), host, port)


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the hash chain of the audit log."""
    from ecabinet.audit.operations import verify_chain

    count, broken_at = verify_chain()
    if broken_at is not None:
        raise click.ClickException(f"audit chain broken at entry {broken_at} (after {count} good entries)")
    click.echo(f"audit chain intact: {count} entries")

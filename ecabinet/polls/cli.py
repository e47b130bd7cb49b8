"""`ecabinet polls tick`: the polls' scheduled work, for cron (each server process also runs it)."""
import click
from flask.cli import with_appcontext


@click.group("polls")
def polls_group():
    """Written polls."""


@polls_group.command("tick")
@with_appcontext
def tick_command():
    """Close polls past their deadline and send due reminders; safe to run from several places at once."""
    from ecabinet.polls.jobs import tick

    done = tick()
    click.echo(f"closed {len(done['closed'])} reminded {len(done['reminded'])}")

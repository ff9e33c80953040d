"""`flask registry remind` (for cron, e.g. daily): the yearly reminder to confirm emergency capabilities."""
from __future__ import annotations

import click
from flask.cli import AppGroup

registry_cli = AppGroup("registry", help="The emergency capability registry.")


@registry_cli.command("remind")
def remind_command():
    """Mail the organisations whose declaration was last confirmed more than a year ago (at most
    once a year each; running it again sends nothing twice)."""
    from grants.services import registry

    click.echo(f"reminded={registry.remind()}")

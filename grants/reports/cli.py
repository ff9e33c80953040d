"""`flask milestones remind [--days N]` (for cron): mail the grantees about reports due soon or overdue."""
from __future__ import annotations

import click
from flask.cli import AppGroup

milestones_cli = AppGroup("milestones", help="Milestone reports.")


@milestones_cli.command("remind")
@click.option("--days", default=7, show_default=True, type=click.IntRange(0, 365),
              help="Remind this many days before a due date.")
def remind_command(days):
    """Queue reminder mail N days before each open report's due date and once it is overdue;
    running it again sends nothing twice."""
    from grants.services import reports

    sent = reports.remind(days=days)
    click.echo(f"due_soon={sent['due_soon']} overdue={sent['overdue']}")

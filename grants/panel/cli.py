"""`flask reviews remind`: reminder mail for unfinished reviews before the review deadline."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from grants.services.panel import remind_due

reviews_cli = AppGroup("reviews", help="Expert review.")


@reviews_cli.command("remind")
@click.option("--days", default=3, show_default=True, type=click.IntRange(0, 365),
              help="Remind when a call's review deadline is within this many days.")
def remind(days):
    """Queue reminder mail for unfinished reviews (at most one per reviewer per day; run daily from cron)."""
    n = remind_due(days)
    click.echo(f"reminded={n}")

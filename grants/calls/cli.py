"""`flask calls tick`: the clock that opens scheduled calls and closes calls past their closing time."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from grants.services import calls as service

calls_cli = AppGroup("calls", help="Calls for proposals.")


@calls_cli.command("tick")
def tick():
    """Open scheduled calls whose time has come and close calls past their closing time (cron)."""
    result = service.tick()
    click.echo(f"opened={len(result['opened'])} closed={len(result['closed'])}")

"""Every flask command, registered one way (`init_app`): seed-demo, create-user, outbox deliver,
and each area's group (calls tick, reviews remind, milestones remind, registry remind, contracts
render, fonts build). Blueprints register no commands."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from grants.models import ROLES
from grants.services import ServiceError, accounts

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("deliver")
@click.option("--limit", default=200, show_default=True, help="At most this many messages per run.")
def outbox_deliver(limit):
    """Send queued mail over SMTP (retries with back-off; run from cron every minute)."""
    from grants.services.outbox import deliver

    counts = deliver(limit=limit)
    click.echo(f"sent={counts['sent']} retry={counts['retry']} failed={counts['failed']}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="Repeat for several roles.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email, name, roles, password):
    """Create a user (for example the first administrator)."""
    if len(password) < 10:
        raise click.UsageError("the password needs at least 10 characters")
    try:
        user = accounts.create_user(None, email=email, name=name, password=password, roles=roles)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created user {user.id} {user.email} roles={','.join(sorted(user.roles)) or '-'}")


@click.command("seed-demo")
def seed_demo():
    """Load the Chinese demo data (idempotent: running it again changes nothing)."""
    from grants.seed import run

    logins = run()
    password = current_app.config.get("DEMO_PASSWORD", "demo-password-2026")
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email in logins:
        click.echo(f"  {role:<16} {email}")


def init_app(app) -> None:
    from grants.calls.cli import calls_cli
    from grants.contracts.cli import contracts_cli
    from grants.panel.cli import reviews_cli
    from grants.pdf.cli import fonts_cli
    from grants.registry.cli import registry_cli
    from grants.reports.cli import milestones_cli

    for command in (outbox_cli, create_user, seed_demo, calls_cli, reviews_cli, contracts_cli, fonts_cli,
                    milestones_cli, registry_cli):
        app.cli.add_command(command)

"""`flask contracts render --call ID`: generate every missing contract of a call."""
from __future__ import annotations

import resource

import click
from flask.cli import AppGroup

contracts_cli = AppGroup("contracts", help="Service-purchase contracts.")


@contracts_cli.command("render")
@click.option("--call", "call_id", type=int, required=True, help="The call whose confirmed awards need contracts.")
def render_command(call_id):
    """Generate and store the contract PDF of every confirmed award of the call that has none
    (one transaction each, memory released between contracts)."""
    from grants.extensions import db
    from grants.models import Call
    from grants.services import contracts

    call = db.session.get(Call, call_id)
    if call is None:
        raise click.ClickException(f"no call {call_id}")
    total = len(contracts.without_contract(call))
    with click.progressbar(length=total, label=f"contracts of call {call_id}", file=None) as bar:
        result = contracts.render_call(call, progress=bar.update)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(f"generated={result['generated']} failed={len(result['failed'])} total={result['total']} "
               f"peak_rss_mb={peak_mb:.0f}")
    for award_id, message in result["failed"]:
        click.echo(f"  award {award_id}: {message}", err=True)

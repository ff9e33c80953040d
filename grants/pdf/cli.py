"""`flask fonts build`: prepare the contract font once (scripts/setup.sh runs it)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from grants.pdf.fonts import FontBuildError, build

fonts_cli = AppGroup("fonts", help="Fonts for printed documents.")


@fonts_cli.command("build")
@click.option("--force", is_flag=True, help="Rebuild even when the prepared fonts are up to date.")
def build_command(force):
    """Build the GB2312 TrueType subset of Noto Serif CJK SC into PDF_FONT_DIR (idempotent)."""
    target = Path(current_app.config["PDF_FONT_DIR"])
    source = Path(current_app.config["PDF_SYSTEM_FONT_DIR"])
    try:
        results = build(target, source, force=force)
    except FontBuildError as exc:
        raise click.ClickException(str(exc)) from None
    for item in results:
        state = "built" if item.rebuilt else "up to date"
        click.echo(f"{item.style}: {item.path} ({state})")

"""`casedesk users …`: manage accounts from the command line."""

import typer

app = typer.Typer(help="Manage user accounts.")

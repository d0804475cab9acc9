"""`casedesk keys …`: issue API keys from the command line."""

import typer

app = typer.Typer(help="Manage service accounts and API keys.")

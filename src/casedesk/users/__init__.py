"""User accounts: administration and self-service."""

"""Service accounts and the API keys they act with."""

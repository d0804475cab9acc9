"""The security audit trail."""

"""The `casedesk` command line."""

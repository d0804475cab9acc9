"""Database plumbing: engine, sessions, column types."""

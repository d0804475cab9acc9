"""Case search, filters and aggregates."""

"""Tasks: the work items of a case."""

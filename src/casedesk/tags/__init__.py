"""Case tags: workspace tag definitions and the tags on each case."""

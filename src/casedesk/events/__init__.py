"""The case timeline: what happened, when, and who did it."""

"""Comments on cases, with one level of replies."""

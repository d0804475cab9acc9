"""Sign-in, sessions and the current principal."""

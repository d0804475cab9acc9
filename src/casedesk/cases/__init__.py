"""Cases: the investigation record and its lifecycle."""

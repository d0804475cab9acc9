"""Durations: time between timeline events, measured on every case."""

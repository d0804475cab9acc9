"""Operational and case metrics."""

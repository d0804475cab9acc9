"""Dropdowns: single-choice lists a workspace defines, chosen per case."""

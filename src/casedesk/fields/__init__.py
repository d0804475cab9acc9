"""Custom case fields."""

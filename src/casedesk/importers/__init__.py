"""Importers that turn external records into cases."""

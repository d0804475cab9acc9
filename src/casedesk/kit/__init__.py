"""Shared plumbing: base schemas, pagination, error rendering, middleware."""

"""Workspaces, memberships and the access they grant."""

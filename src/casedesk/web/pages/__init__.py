"""Routers of the web interface, one module per page or group of forms."""

"""Organisations, users, roles and the permission rules (one place: ``rules``)."""

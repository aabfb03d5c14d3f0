"""Perpetrator network analysis (no Django)."""

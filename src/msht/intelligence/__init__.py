"""Suspects (records and entities), graded intelligence and Pursue outcomes."""

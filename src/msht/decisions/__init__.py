"""Reasonable Grounds, Conclusive Grounds and reconsideration decisions."""

"""Governance computing that needs no Django: quarters, red/amber/green, SVG charts, the PDF."""

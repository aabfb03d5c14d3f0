"""MSHT: one national system for modern slavery and human trafficking."""

"""Multiple systems estimation over list-overlap tables (no Django here)."""

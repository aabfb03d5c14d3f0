"""Append-only, hash-chained audit trail: ``audit_record`` inside every write, ``audit_verify``."""

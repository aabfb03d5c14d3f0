"""Operating the store: backup and restore (``msht backup``, ``msht restore``)."""

"""Record linkage."""

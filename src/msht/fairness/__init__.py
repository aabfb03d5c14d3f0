"""Decision monitoring: are decisions fair, consistent and on time."""

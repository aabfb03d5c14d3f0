"""The synthetic national data set: a seeded world with planted duplicates and ground truth."""

"""Analytics and national statistics."""

"""Reference data, policy rules, the working-day calendar and shared errors."""

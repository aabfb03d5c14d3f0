"""Indicators, the delivery plan, inspection recommendations and actions, skills gaps."""

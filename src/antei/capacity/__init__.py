"""Capacity and upper-limit registry with calendar-aware forecasts (issue 7; C07, C08)."""

"""Incident desk: register, first reports, deadlines, root cause and targets (C01, C04, C05)."""

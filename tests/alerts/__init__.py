"""Tests of alert intake (issue 5)."""

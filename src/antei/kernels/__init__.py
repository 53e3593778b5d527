"""Framework-free engines (no Django, no I/O): pure functions over plain values, benchmarked."""

"""Alert intake from monitoring tools: de-duplication, storms, flow control, silences,
heartbeats (issue 5; C07 monitoring part)."""

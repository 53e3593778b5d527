"""Unprocessed-payment desk: consolidate, prioritise, plan and resend the backlog an
outage leaves (issue 8; C03)."""

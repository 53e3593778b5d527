"""Call-out: rosters, escalation policies, pages, deliveries, acknowledgements and contact
verification (C02; A2-RESP-1, A1-II-3, A1-II-5, M-3.3)."""

"""Caseloads and waiting lists for workers and managers (read side), and rebalancing."""

"""Sending that fails over across SIM ports and gateways (see docs/failover.md)."""

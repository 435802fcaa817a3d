"""The SIMs: USSD sessions, balance checks, and the health of each port's SIM."""

"""Development tools: a simulated gateway and a runner for a real Home Assistant. Not the product."""

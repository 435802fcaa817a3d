"""Benchmarks: speed and request counts, measured here and never in tests."""

"""The path of every message: pushes received, read back from the gateway, fired exactly once."""

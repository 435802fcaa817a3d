"""Real processes for the demo and the end-to-end test: the simulator and a ``hass`` of its own."""

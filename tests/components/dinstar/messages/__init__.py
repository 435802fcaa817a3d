"""Tests of the Messages panel: its history, its websocket commands, the panel itself."""

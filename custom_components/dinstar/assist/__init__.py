"""Assist by SMS: answering a contact's SMS through a conversation agent, within its limits."""

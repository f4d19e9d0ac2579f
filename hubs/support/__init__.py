"""Contacts and support logged by workers, community offers and signposting."""

"""The map of the system: Local Care Partnerships, hubs, organisations, GP practices, services."""

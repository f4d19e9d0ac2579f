"""Physical health check (SMI annual check) and employment trackers."""

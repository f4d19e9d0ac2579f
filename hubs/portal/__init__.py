"""The person's own views: their record, plans and who has accessed their record."""

"""Staff accounts, MDT roles, hub memberships, sign-in, sessions and API tokens."""

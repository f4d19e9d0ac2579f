"""Referrals by need: intake, MDT triage, allocation, episodes of care and waiting-time clocks."""

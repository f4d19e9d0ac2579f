"""Outcome measures: DIALOG and ReQoL-10, scoring, charts, and the goals they suggest."""

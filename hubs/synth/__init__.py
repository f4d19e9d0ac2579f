"""Synthetic data at city and region scale: `flask hubs synth --scale {small,city,region}`.

Everything generated is fictional: people carry NHS numbers from the 999 test range and are
flagged `is_synthetic`; every account is flagged `is_demo`, so production refuses to start
while any exist. Rows are written in bulk (SQLAlchemy Core executemany in chunks, COPY on
PostgreSQL) by small generators, one per feature, registered in `hubs.synth.registry`.
The same seed (and as-of date) gives the same rows.
"""

from hubs.synth.registry import generator
from hubs.synth.run import SynthReport, run_synth
from hubs.synth.scales import SCALES, Scale

__all__ = ["SCALES", "Scale", "SynthReport", "generator", "run_synth"]

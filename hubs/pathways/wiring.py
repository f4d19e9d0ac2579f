"""How pathways join the app: pages, a transition as a reason to see a person, and the
receivers that keep its rules whoever acts (DESIGN §3 rules 3-4):

- no gap: an episode finishes only as the end of a completed transition or a discharge with
  an onward plan (`episode-finishing`, sent by referrals before any episode finishes);
- how to come back: a referral back within 6 months of a discharge is fast-tracked
  (`referral-received`).

Connecting is idempotent: blinker keeps one connection per receiver function, so building
another app in the same process connects nothing twice.
"""

from __future__ import annotations

from flask import Flask

from hubs.pathways import access, receivers, views
from hubs.people.access import register_person_relationship
from hubs.referrals.services import episode_finishing, referral_received


def init_app(app: Flask) -> None:
    register_person_relationship(access.person_via_transitions)
    episode_finishing.connect(receivers.refuse_to_end_into_nothing, weak=False)
    referral_received.connect(receivers.fast_track_return, weak=False)
    app.register_blueprint(views.bp)

"""How notifications join the app: "My tasks", and the receivers that turn staff alerts into
tasks and referral changes into messages to the person.

Connecting is idempotent: blinker keeps one connection per receiver function, so building
another app in the same process connects nothing twice.
"""

from __future__ import annotations

from flask import Flask

from hubs.core.alerts import staff_alert
from hubs.notifications import receivers, views
from hubs.referrals.services import referral_received, referral_transitioned


def init_app(app: Flask) -> None:
    staff_alert.connect(receivers.on_staff_alert, weak=False)
    referral_received.connect(receivers.on_referral_received, weak=False)
    referral_transitioned.connect(receivers.on_referral_transitioned, weak=False)
    app.register_blueprint(views.bp)

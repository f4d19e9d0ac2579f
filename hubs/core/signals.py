"""Domain signals: how a lower feature lets higher ones react without importing them.

Every signal is declared once, as an object, in the module that sends it (e.g.
`hubs.referrals.services.referral_received`, `hubs.core.alerts.staff_alert`); receivers
import that object. All of them live in this one namespace, so a name names one signal.
Receivers are connected by each feature's `wiring.init_app`, called from `create_app`.
"""

from blinker import Namespace

hub_signals = Namespace()

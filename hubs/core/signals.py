"""Domain signals: how a lower feature lets higher ones react without importing them."""

from blinker import Namespace

hub_signals = Namespace()

#: A person signed in (staff or portal). Sender: the app; kwargs: user.
signed_in = hub_signals.signal("signed-in")
#: A session was revoked (logout, password change, deactivation). kwargs: user, reason.
session_revoked = hub_signals.signal("session-revoked")
#: A person's identifiable record was read. kwargs: actor, person_id, what.
person_record_read = hub_signals.signal("person-record-read")

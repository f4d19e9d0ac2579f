"""Staff tasks and alerts, and messages to people through an outbox (DESIGN §7).

Staff tasks are raised by other features through the `staff-alert` signal and shown on
"My tasks". Messages to people are queued in the outbox in the same transaction as the
event that caused them and sent afterwards by the outbox delivery job, through a notifier
(GOV.UK Notify, or the log in development).
"""

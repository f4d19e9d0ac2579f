"""The messages people can be sent, in plain words, keyed by template.

The same keys name the GOV.UK Notify templates (their ids come from configuration); the
words here are what the log notifier renders in development and what the Notify
templates should say. Fields are short facts (a first name, a hub name): never clinical
free text, which could reach a shared phone or inbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hubs.config import NOTIFY_TEMPLATE_KEYS

URGENT_HELP = (
    "If you need help urgently, call NHS 111 and choose the mental health option, "
    "or call 999 in an emergency."
)
MAX_FIELD_LENGTH = 60


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    subject: str
    body: str
    fields: tuple[str, ...] = ("first_name", "hub_name")

    def render(self, personalisation: dict[str, str]) -> str:
        """The body with each ((field)) filled in, as Notify would."""
        return re.sub(r"\(\((\w+)\)\)", lambda m: personalisation[m.group(1)], self.body)


def _template(key: str, subject: str, words: str) -> MessageTemplate:
    return MessageTemplate(key, subject, f"Hello ((first_name)). {words} {URGENT_HELP}")


TEMPLATES: dict[str, MessageTemplate] = {
    t.key: t
    for t in (
        _template(
            "referral_received",
            "We have your referral",
            "The ((hub_name)) has received a referral for you. The team will look at it "
            "and be in touch. You can follow it by signing in to Hubs.",
        ),
        _template(
            "referral_triaged",
            "Your referral has been discussed",
            "The team at ((hub_name)) has talked about your referral and will contact you "
            "about what happens next.",
        ),
        _template(
            "referral_accepted",
            "The hub will support you",
            "((hub_name)) will support you. Your lead worker will contact you to arrange to meet.",
        ),
        _template(
            "referral_signposted",
            "Your referral has been passed on",
            "The team at ((hub_name)) think another service can help you best and have "
            "passed your referral on. That service will contact you. You can ask the hub "
            "about it at any time.",
        ),
        _template(
            "referral_withdrawn",
            "Your referral is closed",
            "Your referral to ((hub_name)) has been closed, as you asked. If you "
            "want support again, contact your GP or the hub.",
        ),
    )
}

# Production checks its Notify settings against the keys declared in hubs.config.
if set(TEMPLATES) != set(NOTIFY_TEMPLATE_KEYS):
    raise RuntimeError(
        "hubs.config.NOTIFY_TEMPLATE_KEYS must name exactly the templates here: "
        f"{sorted(set(TEMPLATES) ^ set(NOTIFY_TEMPLATE_KEYS))}"
    )

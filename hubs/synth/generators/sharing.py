"""Consent to share with the VCSE organisations of care-team members (a few withdrawn
later), and portal accounts for some people so they can see their own plans."""

from __future__ import annotations

from hubs.people.models import Consent, ConsentWithdrawal, PortalAccount
from hubs.staff.models import User
from hubs.synth.context import SynthContext
from hubs.synth.dist import at, plus
from hubs.synth.generators.contacts import VCSE_ROLES
from hubs.synth.generators.staff import EMAIL_DOMAIN
from hubs.synth.registry import generator

SECTIONS = ["care_plan", "demographics", "support_log"]
PORTAL_SHARE = 0.12


@generator("sharing", after=("episodes", "staff"))
def sharing(ctx: SynthContext) -> None:
    """Consents for VCSE care-team members' organisations, and people's portal accounts."""
    rng = ctx.rng("sharing")
    consents, withdrawals, accounts = [], [], []
    given: set[tuple[int, int]] = set()
    for episode in ctx.world.episodes:
        for member in episode.care_team:
            key = (episode.person_id, member.user.organisation_id)
            if member.user.role in VCSE_ROLES and key not in given:
                given.add(key)
                consents.append(
                    (
                        *key,
                        SECTIONS,
                        member.joined_on,
                        None,
                        at(member.joined_on, rng),
                        episode.lead.id,
                    )
                )  # type: ignore[union-attr]
        if episode.first_contact_on and rng.random() < PORTAL_SHARE:
            accounts.append(episode)
    consent_ids = ctx.ids(Consent.__table__, len(consents))
    for cid, consent in zip(consent_ids, consents, strict=True):
        if rng.random() < 0.05:
            day = plus(consent[3], rng.randint(20, 200))
            if day <= ctx.as_of:
                withdrawals.append((cid, at(day, rng), None, "Changed my mind about sharing"))
    ctx.insert(
        Consent.__table__,
        (
            "id",
            "person_id",
            "organisation_id",
            "sections",
            "starts_on",
            "ends_on",
            "granted_at",
            "recorded_by_id",
        ),
        ((i, *c) for i, c in zip(consent_ids, consents, strict=True)),
    )
    ctx.insert(
        ConsentWithdrawal.__table__,
        ("id", "consent_id", "withdrawn_at", "recorded_by_id", "reason"),
        (
            (i, *w)
            for i, w in zip(
                ctx.ids(ConsentWithdrawal.__table__, len(withdrawals)), withdrawals, strict=True
            )
        ),
    )
    _portal(ctx, rng, accounts)


def _portal(ctx: SynthContext, rng, episodes) -> None:  # type: ignore[no-untyped-def]
    seen: set[int] = set()
    people = [e for e in episodes if not (e.person_id in seen or seen.add(e.person_id))]
    user_ids = ctx.ids(User.__table__, len(people))
    ctx.insert(
        User.__table__,
        (
            "id",
            "email",
            "display_name",
            "password_hash",
            "kind",
            "role",
            "organisation_id",
            "is_active",
            "is_demo",
            "created_at",
            "password_changed_at",
        ),
        (
            (
                uid,
                f"person{e.person_id}@{EMAIL_DOMAIN}",
                f"Person {e.person_id}",
                ctx.world.password_hash,
                "person",
                None,
                None,
                True,
                True,
                at(e.first_contact_on, rng),
                at(e.first_contact_on, rng),
            )
            for uid, e in zip(user_ids, people, strict=True)
        ),
    )
    ctx.insert(
        PortalAccount.__table__,
        ("id", "person_id", "user_id"),
        (
            (i, e.person_id, uid)
            for i, e, uid in zip(
                ctx.ids(PortalAccount.__table__, len(people)), people, user_ids, strict=True
            )
        ),
    )

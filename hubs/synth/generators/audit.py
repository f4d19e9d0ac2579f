"""The audit trail the records above would have left: referrals recorded and moved on, and
care-team members opening the person's record and plan while they work with them (what the
person sees under "who has looked at my record")."""

from __future__ import annotations

import datetime as dt
import random

from hubs.core.audit import AuditEvent
from hubs.core.audit_chain import CHAINED
from hubs.staff.models import StaffRole
from hubs.synth.context import ReferralInfo, StaffInfo, SynthContext
from hubs.synth.dist import at, plus
from hubs.synth.generators.staff import EMAIL_DOMAIN
from hubs.synth.registry import generator

ACTIONS = {
    "triaged": "triage",
    "accepted": "accept",
    "signposted": "signpost",
    "withdrawn": "withdraw",
    "entered_in_error": "enter_in_error",
}
VIEW_EVERY_DAYS = 90


def _actor(staff: dict[int, StaffInfo], user_id: int | None) -> tuple:  # type: ignore[type-arg]
    member = staff[user_id] if user_id is not None else None
    if member is None:
        return (None, "system", "system", None)
    return (
        member.id,
        f"staff{member.id}@{EMAIL_DOMAIN}",
        StaffRole(member.role).access_role.value,
        member.organisation_id,
    )


def _referral_events(rng: random.Random, ref: ReferralInfo):  # type: ignore[no-untyped-def]
    yield at(ref.received_on, rng, 9, 10), ref.admin_id, "referral.create", "referral", ref.id
    if ref.triaged_on:
        yield (
            at(ref.triaged_on, rng, 10, 13),
            ref.clinician_id,
            "referral.triage",
            "referral",
            ref.id,
        )
    if ref.closed_on:
        yield (
            at(ref.closed_on, rng, 13, 17),
            ref.clinician_id,
            f"referral.{ACTIONS[ref.status]}",
            "referral",
            ref.id,
        )


def _reads(ctx: SynthContext, rng: random.Random, episode):  # type: ignore[no-untyped-def]
    for member in episode.care_team:
        end = min(member.left_on or ctx.as_of, episode.finished_on or ctx.as_of, ctx.as_of)
        day = member.joined_on
        yield at(day, rng), member.user.id, "person.view", "person", episode.person_id
        while (day := plus(day, VIEW_EVERY_DAYS + rng.randint(-30, 30))) <= end:
            yield at(day, rng), member.user.id, "care_plan.view", "care_plan", episode.id


@generator("audit", after=("episodes", "sharing"))
def audit(ctx: SynthContext) -> None:
    """Audit rows for referral changes and care-team reads, in time order."""
    rng = ctx.rng("audit")
    staff = {s.id: s for s in ctx.world.staff}
    rows: list[tuple[dt.datetime, int | None, str, str, object, int]] = []
    for ref in ctx.world.referrals:
        rows += [(*e, ref.person.id) for e in _referral_events(rng, ref)]
    for episode in ctx.world.episodes:
        rows += [(*e, episode.person_id) for e in _reads(ctx, rng, episode)]
    rows.sort(key=lambda r: (r[0], r[5]))
    ids = ctx.ids(AuditEvent.__table__, len(rows))
    ctx.insert(
        AuditEvent.__table__,
        CHAINED,  # every audited column, in the chain's order; `flask hubs audit seal` seals them
        (
            (i, when, *_actor(staff, uid), action, kind, str(record), person, None, "success")
            for i, (when, uid, action, kind, record, person) in zip(ids, rows, strict=True)
        ),
    )

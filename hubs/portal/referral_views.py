"""The person's referrals: status and the expected wait in plain words, and self-referral."""

from __future__ import annotations

import secrets

from flask import render_template, request, url_for
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import DomainError
from hubs.core.types import today
from hubs.core.web import Page, actor, handle_form, page
from hubs.extensions import db
from hubs.portal.views import bp, own_person_id
from hubs.referrals import forms, queries, services
from hubs.referrals.models import Priority, Referral, ReferralSource
from hubs.referrals.queries import ReferralClocks
from hubs.referrals.states import ReferralStatus
from hubs.referrals.views import needs_from


def what_happens_next(referral: Referral, clocks: ReferralClocks) -> str:
    """The referral's status in plain words for the person, with the expected wait."""
    due = clocks.four_week.due_on.strftime("%-d %B %Y")
    if referral.status == ReferralStatus.RECEIVED:
        return (
            f"{referral.team.name} has your referral. The team meets to look at new "
            f"referrals and will contact you. We aim to meet you, agree a plan with you and "
            f"start your support by {due}."
        )
    if referral.status == ReferralStatus.TRIAGED:
        return (
            f"The team has looked at your referral and will contact you to arrange to meet. "
            f"We aim to agree a plan with you and start your support by {due}."
        )
    if referral.status == ReferralStatus.ACCEPTED:
        lead = referral.episode.lead_worker.display_name if referral.episode else "your lead worker"
        return f"You are being supported by {referral.team.name}. Your lead worker is {lead}."
    if referral.status == ReferralStatus.SIGNPOSTED and referral.signposted_service:
        return (
            f"The team has arranged for {referral.signposted_service.name} to support you. "
            "They will contact you. If they have not, tell the hub."
        )
    return (
        "You told us you no longer wanted this support. You can ask for support again at any time."
    )


def _own_referrals(person_id: int) -> list[Referral]:
    return [
        r
        for r in queries.referrals_of_person(db.session, actor(), person_id)
        if r.status != ReferralStatus.ENTERED_IN_ERROR
    ]


def _audit_list(person_id: int) -> None:
    audit.record(
        "referral.list_own",
        actor=actor(),
        record_type="referral_list",
        record_id=person_id,
        person_id=person_id,
    )


@bp.get("/referrals")
def my_referrals() -> str:
    person_id = own_person_id()
    referrals = _own_referrals(person_id)
    clocks = queries.clocks_for_many(db.session, referrals)
    _audit_list(person_id)
    db.session.commit()
    explained = [(r, clocks[r.id], what_happens_next(r, clocks[r.id])) for r in referrals]
    return render_template("portal/referrals.html", explained=explained)


@bp.route("/referrals/new", methods=["GET", "POST"])
def self_referral() -> Page:
    person_id = own_person_id()
    form = forms.SelfReferralForm()
    outcome: Response | int = 200
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
    elif "add_need" in request.form:
        form.needs.append_entry()
    elif isinstance(outcome := _submit(form, person_id), Response):
        return outcome
    return page("portal/self_referral.html", outcome, form=form)


def _submit(form: forms.SelfReferralForm, person_id: int) -> Response | int:
    """Self-refer and go on to the person's referrals; a refusal is shown with 422, an
    invalid form with 200 (as this page always has)."""
    if not form.validate():
        return 200
    return handle_form(
        form,
        lambda: services.self_refer(db.session, actor(), person_id, _self_referral_input(form)),
        done=lambda _: url_for("portal.my_referrals"),
        message="Thank you. Your hub has your request and will contact you.",
        catch=(DomainError,),
    )


def _self_referral_input(form: forms.SelfReferralForm) -> services.ReferralInput:
    return services.ReferralInput(
        source=ReferralSource.SELF,
        referrer_name="",
        received_on=today(),
        priority=Priority.ROUTINE,
        needs=needs_from(form),
        what_matters=form.what_matters.data or "",
        communication_needs=form.communication_needs.data or "",
        submission_key=form.submission_key.data or None,
        confirm_duplicate=bool(form.confirm_duplicate.data),
    )

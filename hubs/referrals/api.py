"""`/api/v1/referrals`: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.core import audit
from hubs.core.errors import ValidationError
from hubs.core.web import actor, commit
from hubs.extensions import db
from hubs.people.access import get_person_for
from hubs.referrals import queries, services
from hubs.referrals.access import get_referral_for
from hubs.referrals.schemas import (
    ReferralCreateSchema,
    ReferralListArgs,
    ReferralPageSchema,
    ReferralSchema,
    TransitionSchema,
)
from hubs.referrals.states import ReferralAction

blp = Blueprint(
    "referrals_api",
    __name__,
    url_prefix="/api/v1/referrals",
    description="Referrals by need, their transitions and clocks",
)


def _with_clocks(referrals: list[Any], clocks: dict[int, Any] | None = None) -> list[Any]:
    """Attach each referral's clocks (computed for the whole page at once) for the schema."""
    clocks = clocks if clocks is not None else queries.clocks_for_many(db.session, referrals)
    for referral in referrals:
        referral.clocks = clocks[referral.id]
    return referrals


def _filters(args: dict[str, Any]) -> queries.QueueFilters:
    return queries.QueueFilters(args["status"], args["priority"], args["need"], args["team_id"])


def _audit_list(number: int) -> None:
    audit.record(
        "referral.list", actor=actor(), record_type="referral_list", record_id=f"page-{number}"
    )


def _page_of(page: Any) -> dict[str, Any]:
    """The page of referrals as the schema wants it, each with its clocks."""
    return {
        "items": _with_clocks(page.items, page.clocks),
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
    }


@blp.route("/")
class Referrals(MethodView):
    @blp.arguments(ReferralListArgs, location="query")
    @blp.response(200, ReferralPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List referrals you may see (open ones by default), most urgent first."""
        page = queries.triage_queue(
            db.session, actor(), _filters(args), page=args["page"], per_page=args["per_page"]
        )
        _audit_list(args["page"])
        return _page_of(commit(page))

    @blp.arguments(ReferralCreateSchema)
    @blp.response(201, ReferralSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Record a referral by need, for a person you may see or someone new."""
        person_id, new_person = data.pop("person_id"), data.pop("person")
        needs = [services.NeedInput(**n) for n in data.pop("needs")]
        referral_input = services.ReferralInput(needs=needs, **data)
        if new_person is not None:
            referral = services.receive_referral_for_new_person(
                db.session, actor(), new_person, referral_input
            )
        else:
            person = get_person_for(db.session, actor(), person_id)
            referral = services.receive_referral(db.session, actor(), person, referral_input)
        db.session.commit()
        return _with_clocks([referral])[0]


@blp.route("/<int:referral_id>")
class ReferralItem(MethodView):
    @blp.response(200, ReferralSchema)
    def get(self, referral_id: int) -> Any:
        """Read one referral (404 if you have no reason to see it)."""
        referral = get_referral_for(db.session, actor(), referral_id)
        audit.record(
            "referral.view",
            actor=actor(),
            record_type="referral",
            record_id=referral.id,
            person_id=referral.person_id,
        )
        db.session.commit()
        return _with_clocks([referral])[0]


def _apply(action: ReferralAction, referral: Any, data: dict[str, Any]) -> None:
    user, session = actor(), db.session
    if action == ReferralAction.TRIAGE:
        if data["priority"] is None:
            raise ValidationError("Confirm the priority", field="priority")
        services.triage(
            session, user, referral, rationale=data["rationale"], priority=data["priority"]
        )
    elif action == ReferralAction.ACCEPT:
        services.accept(
            session,
            user,
            referral,
            lead_worker_id=data["lead_worker_id"],
            package_started_on=data["package_started_on"],
        )
    elif action == ReferralAction.SIGNPOST:
        services.signpost(
            session,
            user,
            referral,
            service_id=data["service_id"],
            handover_note=data["handover_note"],
            confirmed_on=data["confirmed_on"],
        )
    elif action == ReferralAction.WITHDRAW:
        services.withdraw(session, user, referral, reason=data["reason"])
    else:
        services.enter_in_error(session, user, referral, reason=data["reason"])


@blp.route(
    "/<int:referral_id>/<any(triage,accept,signpost,withdraw,enter_in_error):action>",
    methods=["POST"],
)
@blp.arguments(TransitionSchema)
@blp.response(200, ReferralSchema)
def transition(data: dict[str, Any], referral_id: int, action: str) -> Any:
    """Take an action on a referral: 409 if the state table does not allow it."""
    referral = get_referral_for(db.session, actor(), referral_id)
    _apply(ReferralAction(action), referral, data)
    db.session.commit()
    return _with_clocks([referral])[0]

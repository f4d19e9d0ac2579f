"""`/api/v1/contacts`: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.core import audit
from hubs.core.web import actor, commit
from hubs.extensions import db
from hubs.referrals.access import supported_person_ids
from hubs.support import queries, services
from hubs.support.models import Contact
from hubs.support.schemas import (
    ContactCreateSchema,
    ContactListArgs,
    ContactPageSchema,
    ContactSchema,
)

blp = Blueprint(
    "contacts_api",
    __name__,
    url_prefix="/api/v1/contacts",
    description="Contacts and support logged with people allocated to you",
)


def _audit_list(args: dict[str, Any]) -> None:
    audit.record(
        "contact.list",
        actor=actor(),
        record_type="contact_list",
        record_id=f"page-{args['page']}",
        person_id=args["person_id"],
    )


def _serialised(page: Any) -> Response:
    body = {"items": page.items, "total": page.total, "page": page.page, "pages": page.pages}
    return jsonify(ContactPageSchema().dump(body))


def _contact_input(data: dict[str, Any]) -> services.ContactInput:
    details = services.ContactDetails(
        location=data["location"],
        activities=data["activities"],
        needs=data["needs"],
        notes=data["notes"],
        is_staff_only=data["is_staff_only"],
        next_step=data["next_step"],
        next_contact_on=data["next_contact_on"],
    )
    return services.ContactInput(
        contact_on=data["contact_on"],
        duration_minutes=data["duration_minutes"],
        mode=data["mode"],
        reached=data["reached"],
        details=details,
    )


@blp.route("/")
class Contacts(MethodView):
    @blp.arguments(ContactListArgs, location="query")
    @blp.response(200, ContactPageSchema)
    def get(self, args: dict[str, Any]) -> Response:
        """List contacts with people whose support log you may see, newest first."""
        scope = Contact.person_id.in_(supported_person_ids(actor()))
        page = queries.contacts_page(
            db.session, scope, args["person_id"], args["page"], args["per_page"]
        )
        _audit_list(args)
        # Serialise before committing the audit row: a commit expires the rows, and
        # serialising afterwards would reload each contact on its own.
        return commit(_serialised(page))

    @blp.arguments(ContactCreateSchema)
    @blp.response(201, ContactSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Log a contact with a person allocated to you (404 if they are not)."""
        contact_input = _contact_input(data)
        return commit(services.log_contact(db.session, actor(), data["person_id"], contact_input))


@blp.route("/<int:contact_id>")
class ContactItem(MethodView):
    @blp.response(200, ContactSchema)
    def get(self, contact_id: int) -> Any:
        """Read one contact (404 without a reason to see the person's support log)."""
        contact = services.get_contact_for(db.session, actor(), contact_id)
        audit.record(
            "contact.view",
            actor=actor(),
            record_type="contact",
            record_id=contact.id,
            person_id=contact.person_id,
        )
        db.session.commit()
        return contact

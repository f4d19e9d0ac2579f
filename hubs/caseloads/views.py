"""Caseload pages: my caseload, a worker's caseload for their manager, the manager's hub
view, and moving people between workers in bulk.

Each page renders before it commits its audit row: a commit expires every loaded row, and
the template would then reload them one by one, so the page's statement count would grow
with the caseload (tests/caseloads/test_query_counts.py holds it constant).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.caseloads import forms, overview, queries, services
from hubs.caseloads.rules import Flag, Weighting, weighting_from
from hubs.core import audit
from hubs.core.errors import ValidationError
from hubs.core.paging import Paged, page_arg
from hubs.core.types import today
from hubs.core.web import options, show_error
from hubs.extensions import db
from hubs.staff.models import User
from hubs.support.forms import QuickContactForm

bp = Blueprint("caseloads", __name__, url_prefix="/caseloads")

Page = Response | tuple[str, int] | str
PAGE_SIZE = 25  # people per page of a caseload


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def weighting() -> Weighting:
    """The need weighting in force (the CASELOAD_WEIGHTS setting, or the declared default)."""
    return weighting_from(current_app.config.get("CASELOAD_WEIGHTS"))


def _flag_arg() -> Flag | None:
    try:
        return Flag(request.args.get("flag", ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class EntryPage:
    """One page of a caseload's rows: the whole caseload is read and sorted (most to act on
    first needs every person's facts), but only a page is rendered."""

    items: list[queries.CaseloadEntry]
    page: int
    pages: int


def _page_of(entries: list[queries.CaseloadEntry]) -> EntryPage:
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    return EntryPage(entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, pages)


def _render_caseload(caseload: queries.Caseload, *, is_own: bool) -> str:
    flag = _flag_arg()
    entries = caseload.flagged(flag) if flag else caseload.entries
    return render_template(
        "caseloads/worker.html",
        caseload=caseload,
        entries=entries,
        paged=_page_of(entries),
        flag=flag,
        flags=Flag,
        is_own=is_own,
        quick_form=QuickContactForm(formdata=None, contact_on=today()),
        today=today(),
    )


@bp.get("/")
def mine() -> str:
    """The people I support now, with what needs doing first at the top."""
    actor = _actor()
    caseload = queries.worker_caseload(db.session, actor, weighting(), today())
    audit.record("caseload.view", actor=actor, record_type="caseload", record_id=actor.id)
    page = _render_caseload(caseload, is_own=True)
    db.session.commit()  # after rendering (see the module docstring)
    return page


@bp.get("/workers/<int:worker_id>")
def worker(worker_id: int) -> str:
    """A worker's caseload in the hubs the manager manages (404 for anyone else's staff)."""
    actor = _actor()
    member = queries.get_managed_worker(db.session, actor, worker_id)
    hub_ids = [h.id for h in queries.managed_hubs(db.session, actor)]
    caseload = queries.worker_caseload(db.session, member, weighting(), today(), hub_ids=hub_ids)
    audit.record("caseload.view", actor=actor, record_type="caseload", record_id=member.id)
    page = _render_caseload(caseload, is_own=member.id == actor.id)
    db.session.commit()
    return page


@bp.get("/hubs/")
def hubs() -> Response | str:
    managed = queries.managed_hubs(db.session, _actor())
    if len(managed) == 1:
        return redirect(url_for("caseloads.hub", hub_id=managed[0].id))
    return render_template("caseloads/hubs.html", hubs=managed)


@bp.get("/hubs/<int:hub_id>")
def hub(hub_id: int) -> str:
    """The manager's view of a hub they manage: caseloads by need, waiting list, gaps."""
    actor = _actor()
    found = queries.get_managed_hub(db.session, actor, hub_id)
    view = overview.hub_overview(db.session, found, weighting(), today())
    audit.record("caseload.hub_view", actor=actor, record_type="hub", record_id=found.id)
    # A hub team is 80 or more: its workers are shown a page at a time, heaviest first.
    number = page_arg()
    start = (number - 1) * PAGE_SIZE
    workers = Paged(view.workers[start : start + PAGE_SIZE], len(view.workers), number, PAGE_SIZE)
    page = render_template("caseloads/hub.html", view=view, workers=workers)
    db.session.commit()
    return page


def _reassign_choices(form: forms.BulkReassignForm, team: list[Any], from_id: int | None) -> None:
    form.to_user_id.choices = options(
        [("", "Choose a worker")]
        + [
            (
                str(w.worker.id),
                f"{w.worker.display_name} ({w.people} people, weighted {w.weighted})",
            )
            for w in team
            if w.worker.id != from_id
        ]
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/hubs/<int:hub_id>/reassign", methods=["GET", "POST"])
def reassign(hub_id: int) -> Page:
    """Move up to 100 people from one worker to another, with a reason, all or nothing."""
    actor = _actor()
    found = queries.get_managed_hub(db.session, actor, hub_id)
    form = forms.BulkReassignForm()
    if request.method == "GET":
        form.from_user_id.data = request.args.get("from", "")
    if form.validate_on_submit() and request.method == "POST":
        try:
            transfer = services.bulk_reassign(
                db.session,
                actor,
                found,
                from_user_id=_int(form.from_user_id.data),
                to_user_id=_int(form.to_user_id.data),
                episode_ids=form.episode_ids.data or [],
                reason=form.reason.data or "",
            )
        except ValidationError as error:
            db.session.rollback()
            found = queries.get_managed_hub(db.session, actor, hub_id)
            show_error(form, error)
        else:
            moved = len(transfer.episodes)
            people = "person" if moved == 1 else "people"
            names = (transfer.from_user.display_name, transfer.to_user.display_name)
            db.session.commit()
            flash(f"Moved {moved} {people} from {names[0]} to {names[1]}")
            return redirect(url_for("caseloads.hub", hub_id=hub_id))
    return _reassign_page(found, form)


def _reassign_page(found: Any, form: forms.BulkReassignForm) -> Page:
    view = overview.hub_overview(db.session, found, weighting(), today())
    from_id = _int(form.from_user_id.data)
    from_worker = next((w.worker for w in view.workers if w.worker.id == from_id), None)
    caseload = (
        queries.worker_caseload(db.session, from_worker, weighting(), today(), hub_ids=[found.id])
        if from_worker
        else None
    )
    _reassign_choices(form, view.workers, from_id)
    if from_worker is not None:
        audit.record(
            "caseload.view", actor=_actor(), record_type="caseload", record_id=from_worker.id
        )
    audit.record("caseload.hub_view", actor=_actor(), record_type="hub", record_id=found.id)
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "caseloads/reassign.html",
        hub=found,
        form=form,
        workers=view.workers,
        from_worker=from_worker,
        caseload=caseload,
        limit=services.MAX_BULK_REASSIGN,
    )
    db.session.commit()
    return page, status

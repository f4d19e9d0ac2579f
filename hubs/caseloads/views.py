"""Caseload pages: my caseload, a worker's caseload for their manager, the manager's hub
view, and moving people between workers in bulk.

Each page renders before it commits its audit row (`page`): a commit expires every loaded
row, and the template would then reload them one by one, so the page's statement count would
grow with the caseload (tests/caseloads/test_query_counts.py holds it constant).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hubs.caseloads import forms, overview, queries, services
from hubs.caseloads.rules import Flag, Weighting, weighting_from
from hubs.core import audit
from hubs.core.paging import Paged, page_arg
from hubs.core.stepup import requires_recent_second_factor
from hubs.core.types import today
from hubs.core.web import Page, actor, handle_form, options, page
from hubs.extensions import db
from hubs.support.forms import QuickContactForm

bp = Blueprint("caseloads", __name__, url_prefix="/caseloads")

PAGE_SIZE = 25  # people per page of a caseload


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
    number = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    return EntryPage(entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], number, pages)


def _caseload_page(caseload: queries.Caseload, *, is_own: bool) -> Page:
    flag = _flag_arg()
    entries = caseload.flagged(flag) if flag else caseload.entries
    return page(
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
def mine() -> Page:
    """The people I support now, with what needs doing first at the top."""
    user = actor()
    caseload = queries.worker_caseload(db.session, user, weighting(), today())
    audit.record("caseload.view", actor=user, record_type="caseload", record_id=user.id)
    return _caseload_page(caseload, is_own=True)


@bp.get("/workers/<int:worker_id>")
def worker(worker_id: int) -> Page:
    """A worker's caseload in the hubs the manager manages (404 for anyone else's staff)."""
    user = actor()
    member = queries.get_managed_worker(db.session, user, worker_id)
    team_ids = [h.id for h in queries.managed_teams(db.session, user)]
    caseload = queries.worker_caseload(db.session, member, weighting(), today(), team_ids=team_ids)
    audit.record("caseload.view", actor=user, record_type="caseload", record_id=member.id)
    return _caseload_page(caseload, is_own=member.id == user.id)


@bp.get("/teams/")
def hubs() -> Response | str:
    managed = queries.managed_teams(db.session, actor())
    if len(managed) == 1:
        return redirect(url_for("caseloads.team", team_id=managed[0].id))
    return render_template("caseloads/hubs.html", hubs=managed)


@bp.get("/teams/<int:team_id>")
def team(team_id: int) -> Page:
    """The manager's view of a hub they manage: caseloads by need, waiting list, gaps."""
    found = queries.get_managed_team(db.session, actor(), team_id)
    view = overview.hub_overview(db.session, found, weighting(), today())
    audit.record("caseload.hub_view", actor=actor(), record_type="team", record_id=found.id)
    # A hub team is 80 or more: its workers are shown a page at a time, heaviest first.
    number = page_arg()
    start = (number - 1) * PAGE_SIZE
    workers = Paged(view.workers[start : start + PAGE_SIZE], len(view.workers), number, PAGE_SIZE)
    return page("caseloads/hub.html", view=view, workers=workers)


def _reassign_choices(
    form: forms.BulkReassignForm, care_team: list[Any], from_id: int | None
) -> None:
    form.to_user_id.choices = options(
        [("", "Choose a worker")]
        + [
            (
                str(w.worker.id),
                f"{w.worker.display_name} ({w.people} people, weighted {w.weighted})",
            )
            for w in care_team
            if w.worker.id != from_id
        ]
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _move_people(found: Any, form: forms.BulkReassignForm) -> str:
    """Move the chosen people; returns what to tell the manager, worded before the commit
    expires the workers' names."""
    transfer = services.bulk_reassign(
        db.session,
        actor(),
        found,
        from_user_id=_int(form.from_user_id.data),
        to_user_id=_int(form.to_user_id.data),
        episode_ids=form.episode_ids.data or [],
        reason=form.reason.data or "",
    )
    moved = len(transfer.episodes)
    people = "person" if moved == 1 else "people"
    names = (transfer.from_user.display_name, transfer.to_user.display_name)
    return f"Moved {moved} {people} from {names[0]} to {names[1]}"


@bp.route("/teams/<int:team_id>/reassign", methods=["GET", "POST"])
@requires_recent_second_factor
def reassign(team_id: int) -> Page:
    """Move up to 100 people from one worker to another, with a reason, all or nothing."""
    found = queries.get_managed_team(db.session, actor(), team_id)
    form = forms.BulkReassignForm()
    if request.method == "GET":
        form.from_user_id.data = request.args.get("from", "")
    outcome = handle_form(
        form,
        lambda: _move_people(found, form),
        done=lambda _: url_for("caseloads.team", team_id=team_id),
        message=lambda moved: moved,
    )
    if isinstance(outcome, Response):
        return outcome
    return _reassign_page(found, form, outcome)


def _reassign_page(found: Any, form: forms.BulkReassignForm, status: int) -> Page:
    view = overview.hub_overview(db.session, found, weighting(), today())
    from_id = _int(form.from_user_id.data)
    from_worker = next((w.worker for w in view.workers if w.worker.id == from_id), None)
    caseload = (
        queries.worker_caseload(db.session, from_worker, weighting(), today(), team_ids=[found.id])
        if from_worker
        else None
    )
    _reassign_choices(form, view.workers, from_id)
    if from_worker is not None:
        audit.record(
            "caseload.view", actor=actor(), record_type="caseload", record_id=from_worker.id
        )
    audit.record("caseload.hub_view", actor=actor(), record_type="team", record_id=found.id)
    return page(
        "caseloads/reassign.html",
        status,
        team=found,
        form=form,
        workers=view.workers,
        from_worker=from_worker,
        caseload=caseload,
        limit=services.MAX_BULK_REASSIGN,
    )

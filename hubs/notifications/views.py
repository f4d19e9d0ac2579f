"""My tasks: each member of staff's own open tasks and alerts, and closing them.

Thin views: the list is filtered in the query to the signed-in user; closing a task loads
it by id *and* recipient, so someone else's task answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from werkzeug.wrappers import Response

from hubs.core.templating import register_nav_count
from hubs.core.web import Page, actor, handle_form, page
from hubs.extensions import db
from hubs.notifications import queries, services
from hubs.notifications.forms import CloseTaskForm

bp = Blueprint("notifications", __name__, url_prefix="/tasks")


@bp.get("/")
def my_tasks() -> Page:
    rows = queries.open_tasks(db.session, actor())
    services.record_tasks_read(db.session, actor(), [row.task for row in rows])
    # `page` renders before committing the audit rows: a commit would expire the loaded tasks.
    return page("notifications/my_tasks.html", rows=rows)


def _closed(form: CloseTaskForm) -> str:
    done = services.TaskOutcome(form.outcome.data) == services.TaskOutcome.DONE
    return "Task marked as done" if done else "Task dismissed"


@bp.post("/<int:task_id>")
def close_task(task_id: int) -> Response:
    form = CloseTaskForm()
    outcome = handle_form(
        form,
        lambda: services.close_task(
            db.session, actor(), task_id, services.TaskOutcome(form.outcome.data)
        ),
        done=lambda _: url_for("notifications.my_tasks"),
        message=lambda _: _closed(form),
        catch=(),  # a missing or someone else's task answers 404 through the error handlers
    )
    if not isinstance(outcome, Response):
        abort(400)  # only a tampered form: the page's two buttons each send a valid outcome
    return outcome


@register_nav_count("notifications.my_tasks")
def _open_task_count(user: Any) -> int:
    return queries.open_task_count(db.session, user.id)

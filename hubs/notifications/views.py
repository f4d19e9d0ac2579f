"""My tasks: each member of staff's own open tasks and alerts, and closing them.

Thin views: the list is filtered in the query to the signed-in user; closing a task loads
it by id *and* recipient, so someone else's task answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.core.templating import register_nav_count
from hubs.extensions import db
from hubs.notifications import queries, services
from hubs.notifications.forms import CloseTaskForm

bp = Blueprint("notifications", __name__, url_prefix="/tasks")


def _actor() -> Any:
    return current_user._get_current_object()


@bp.get("/")
def my_tasks() -> str:
    actor = _actor()
    rows = queries.open_tasks(db.session, actor)
    services.record_tasks_read(db.session, actor, [row.task for row in rows])
    # Render before committing the audit rows: a commit would expire the loaded tasks.
    page = render_template("notifications/my_tasks.html", rows=rows)
    db.session.commit()
    return page


@bp.post("/<int:task_id>")
def close_task(task_id: int) -> Response:
    form = CloseTaskForm()
    if not form.validate():
        abort(400)
    outcome = services.TaskOutcome(form.outcome.data)
    services.close_task(db.session, _actor(), task_id, outcome)
    db.session.commit()
    flash("Task marked as done" if outcome == services.TaskOutcome.DONE else "Task dismissed")
    return redirect(url_for("notifications.my_tasks"))


@register_nav_count("notifications.my_tasks")
def _open_task_count(user: Any) -> int:
    return queries.open_task_count(db.session, user.id)

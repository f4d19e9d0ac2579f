"""Alerting staff without importing the notifications feature (DESIGN §7 dependency rule).

A feature (or a scheduled job) sends `staff-alert` with who should hear about what; the
notifications feature subscribes and makes one task per recipient. The dedupe key names
the event and its period, so sending the same alert again creates nothing.

Signal: `staff_alert` ("staff-alert"), declared here once; sender: any object or None;
kwargs: ``recipient_ids: list[int], person_id: int | None, kind: str, title: str,
link: str | None, dedupe_key: str`` and optionally ``detail: str`` (longer text shown
under the title) and ``session`` (the SQLAlchemy session of the event; by default the
sender's session, else the app's). Each receiver returns how many tasks it created.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from hubs.core.signals import hub_signals

staff_alert = hub_signals.signal("staff-alert")


def alert_staff(
    recipient_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    dedupe_key: str,
    person_id: int | None = None,
    link: str | None = None,
    detail: str = "",
    session: Session | None = None,
    sender: object = None,
) -> int:
    """Raise one task per recipient (once per dedupe key); returns how many were new."""
    results = staff_alert.send(
        sender,
        recipient_ids=sorted(set(recipient_ids)),
        person_id=person_id,
        kind=kind,
        title=title,
        link=link,
        dedupe_key=dedupe_key,
        detail=detail,
        session=session,
    )
    return sum(value for _, value in results if isinstance(value, int))

"""The refresh: idempotent, in the caller's transaction, suppressed on the way in, and in
agreement with the hand-written SQL floor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.floor import floor_indicators, refresh_floor_sql, run_refresh_floor
from hubs.extensions import db as _db
from hubs.reporting import periods
from hubs.reporting.indicator_models import CITY, IndicatorValue
from hubs.reporting.indicators import BY_ID, Granularity
from hubs.reporting.jobs import refresh_indicators
from hubs.reporting.models import ActivityType as A
from hubs.reporting.population import Population
from hubs.reporting.refresh import refresh
from hubs.reporting.suppression import disclosure_ranges, round_count
from tests.reporting.conftest import JAN, NOW, Events, run_refresh, value

COLUMNS = [c for c in IndicatorValue.__table__.c if c.name not in ("id", "computed_at")]


def stored_rows() -> list[tuple[object, ...]]:
    return sorted(
        _db.session.execute(sa.select(*COLUMNS)).tuples(),
        key=lambda row: tuple(str(v) for v in row),
    )


def _some_activity(events: Events) -> None:
    for days in range(40):
        day = JAN + dt.timedelta(days=days)
        events.add(A.EIP_TREATMENT_STARTED, day, value=days % 20, sex="male")
        events.add(A.REFERRAL_RECEIVED, day, person=f"r{days % 25}", age_band="75+")
        events.add(A.DISCHARGED, day, detail="gp" if days % 7 else "none")
        events.add(A.HEALTH_CHECK_ELEMENT, day, person=f"h{days % 9}", detail="bmi")
    events.save()


def test_refreshing_twice_gives_the_same_rows(events):
    _some_activity(events)
    first = run_refresh()
    rows = stored_rows()
    assert first == len(rows) > 0
    assert run_refresh() == first
    assert stored_rows() == rows


def test_refresh_replaces_values_for_events_that_are_gone(db, events):
    _some_activity(events)
    run_refresh()
    db.session.execute(sa.delete(IndicatorValue.__table__.metadata.tables["activity_events"]))
    assert run_refresh() == 0
    assert stored_rows() == []


def test_the_refresh_job_flushes_but_never_commits(db, events):
    _some_activity(events)
    assert refresh_indicators(NOW) > 0
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) > 0
    db.session.rollback()  # the scheduler's transaction: nothing was committed by the job
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) == 0


def test_every_stored_count_is_zero_hidden_or_a_multiple_of_five(events):
    _some_activity(events)
    run_refresh()
    for numerator, denominator in _db.session.execute(
        sa.select(IndicatorValue.numerator, IndicatorValue.denominator)
    ):
        for shown in (numerator, denominator):
            assert shown is None or shown == 0 or (shown >= 10 and shown % 5 == 0)


def test_the_database_refuses_an_unrounded_count(db, events):
    import pytest

    row = {
        "indicator_id": "ips_referrals",
        "period_type": Granularity.MONTH,
        "period_start": JAN,
        "area": CITY,
        "breakdown": "total",
        "breakdown_value": "all",
        "numerator": 3,
    }
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.insert(IndicatorValue), [row])


def test_the_sql_floor_computes_the_same_headline_numbers_as_the_refresh(db, events):
    _some_activity(events)
    run_refresh()
    floor = run_refresh_floor(db.session, NOW.date())
    assert floor
    ids = {indicator_id for indicator_id, _, _ in floor_indicators()}
    assert {"eip_two_weeks", "discharges_onward_plan", "fft_responses"} <= ids
    for row in floor:
        area = CITY if row.team_id is None else events.team.neighbourhood.code
        stored = value(row.indicator_id, row.period_start, area=area)
        assert stored is not None
        if stored.denominator is not None or stored.denominator_suppressed:
            assert stored.denominator == round_count(row.denominator)
        if not stored.numerator_suppressed:
            assert stored.numerator == round_count(row.numerator)
    assert "GROUP BY" in refresh_floor_sql("postgresql")


def test_cli_refresh_recomputes_and_reports_the_count(app, db, events):
    _some_activity(events)
    result = app.test_cli_runner().invoke(args=["hubs", "reporting", "refresh"])
    assert result.exit_code == 0, result.output
    assert "suppressed values stored" in result.output
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) > 0


# --- Differencing the stored figures (what a reader sees) ------------------------------------


def _shown(row: IndicatorValue, measure: str) -> int | None:
    return getattr(row, measure)


def _groups(rows: list[IndicatorValue]) -> list[tuple[IndicatorValue, list[IndicatorValue]]]:
    """Whole and parts a reader could subtract: one breakdown vs its total, hubs vs city,
    months vs quarter, quarters vs year."""
    index = {
        (r.indicator_id, r.period_type, r.period_start, r.area, r.breakdown, r.breakdown_value): r
        for r in rows
    }
    parts: dict[tuple[object, ...], list[IndicatorValue]] = defaultdict(list)
    for r in rows:
        cell = (r.breakdown, r.breakdown_value)
        if r.breakdown != "total":
            whole = (r.indicator_id, r.period_type, r.period_start, r.area, "total", "all")
            parts[(whole, r.breakdown)].append(r)
        if r.area != CITY:
            parts[((r.indicator_id, r.period_type, r.period_start, CITY, *cell), "hubs")].append(r)
        for fine, coarse in (
            (Granularity.MONTH, Granularity.QUARTER),
            (Granularity.QUARTER, Granularity.YEAR),
        ):
            if r.period_type == fine:
                outer = periods.start_of(r.period_start, coarse)
                parts[((r.indicator_id, coarse, outer, r.area, *cell), fine)].append(r)
    return [(index[k[0]], members) for k, members in parts.items() if k[0] in index]


ADDITIVE = {"eip_two_weeks", "discharges_onward_plan", "ips_referrals"}

kinds = st.sampled_from(
    [
        (A.EIP_TREATMENT_STARTED, None),
        (A.DISCHARGED, "gp"),
        (A.DISCHARGED, "none"),
        (A.IPS_REFERRAL, None),
    ]
)
event = st.tuples(
    kinds,
    st.integers(min_value=0, max_value=100),  # day from 1 January (three months and more)
    st.sampled_from(["female", "male", "not_known"]),
    st.sampled_from(["White", "Asian or Asian British", "Mixed"]),
    st.booleans(),  # which hub
    st.integers(min_value=1, max_value=4),  # how many identical events
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(event, min_size=1, max_size=40))
def test_no_stored_report_can_be_differenced_against_another_to_recover_a_hidden_count(
    hubs, generated
):
    db = _db  # not the fixture: Hypothesis prints its arguments when an example fails
    with db.session.begin_nested() as savepoint:
        events = Events(hubs[0])
        for (kind, detail), day, sex, group, first_team, times in generated:
            events.add(
                kind,
                JAN + dt.timedelta(days=day),
                value=day % 20,
                detail=detail,
                sex=sex,
                ethnic_group=group,
                team=hubs[0] if first_team else hubs[1],
                times=times,
            )
        events.save()
        refresh(db.session, NOW, Population(), [BY_ID[i] for i in sorted(ADDITIVE)])
        rows = list(
            db.session.scalars(
                sa.select(IndicatorValue).where(IndicatorValue.indicator_id.in_(ADDITIVE))
            )
        )
        for measure in ("numerator", "denominator"):
            for whole, parts in _groups(rows):
                shown_parts = [_shown(p, measure) for p in parts]
                if whole.indicator_id == "ips_referrals" and measure == "denominator":
                    continue
                ranges = disclosure_ranges(_shown(whole, measure), shown_parts)
                if ranges is None:
                    continue
                hidden = [i for i, s in enumerate(shown_parts) if s is None]
                assert len(hidden) != 1, f"lone hidden {measure} beside {whole}"
                for i in hidden:
                    lo, hi = ranges[i]
                    assert hi > lo, f"{parts[i]} {measure} pinned to {lo} against {whole}"
        savepoint.rollback()

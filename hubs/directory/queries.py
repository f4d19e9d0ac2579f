"""The map as queries: which teams a person's GP practice puts them in the patch of."""

from __future__ import annotations

import sqlalchemy as sa

from hubs.directory.models import PATCH_KINDS, GpPractice, Team, team_coverage


def practices_in_patch_of(team_ids: sa.Select[tuple[int]] | list[int]) -> sa.Select[tuple[int]]:
    """GP practices in the neighbourhoods these teams cover, for teams with a patch (a hub,
    a treatment and recovery team): the people registered there are theirs to see."""
    return (
        sa.select(GpPractice.id)
        .join(team_coverage, team_coverage.c.neighbourhood_id == GpPractice.neighbourhood_id)
        .join(Team, Team.id == team_coverage.c.team_id)
        .where(Team.id.in_(team_ids), Team.kind.in_(PATCH_KINDS))
    )


def patch_teams_of(practice_id: int | sa.ColumnElement[int] | None) -> sa.Select[tuple[int]]:
    """The teams whose patch holds this practice (one in Leeds: the LCP's hub)."""
    return (
        sa.select(Team.id)
        .join(team_coverage, team_coverage.c.team_id == Team.id)
        .join(GpPractice, GpPractice.neighbourhood_id == team_coverage.c.neighbourhood_id)
        .where(GpPractice.id == practice_id, Team.kind.in_(PATCH_KINDS))
    )


def patch_team_of(practice_id: sa.ColumnElement[int]) -> sa.ScalarSelect[int]:
    """A person's patch team as a correlated column (NULL without a practice in a patch)."""
    return patch_teams_of(practice_id).order_by(Team.id).limit(1).scalar_subquery()

"""DIALOG at the first contact-based assessment (the baseline that stops part of the 4-week
clock) and about every three months after, scores improving over an episode for most people
and not for some; a ReQoL-10 alongside the baseline now and then."""

from __future__ import annotations

import random

from hubs.outcomes.models import OutcomeMeasure
from hubs.outcomes.scoring import (
    DIALOG_ITEMS,
    REQOL_KEYS,
    REQOL_PHYSICAL_KEY,
    score_dialog,
    score_reqol10,
)
from hubs.synth.context import EpisodeInfo, SynthContext
from hubs.synth.dist import at, plus
from hubs.synth.registry import generator

REVIEW_DAYS = 91


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _dialog(rng: random.Random, level: float) -> tuple[dict[str, int], list[str]]:
    answers = {item.key: _clip(rng.gauss(level, 0.8), 1, 7) for item in DIALOG_ITEMS}
    more_help = [k for k, v in answers.items() if v <= 3 and rng.random() < 0.6]
    return answers, more_help


def _reqol(rng: random.Random, level: float) -> dict[str, int]:
    mean = (level - 1) / 6 * 4
    answers = {k: _clip(rng.gauss(mean, 0.9), 0, 4) for k in REQOL_KEYS}
    answers[REQOL_PHYSICAL_KEY] = _clip(rng.gauss(mean, 1.0), 0, 4)
    return answers


def _measures(ctx: SynthContext, rng: random.Random, episode: EpisodeInfo):  # type: ignore[no-untyped-def]
    """(episode, kind, day, answers, more_help, score, secondary, is_baseline) rows."""
    day = episode.baseline_on
    if day is None:
        return
    end = min(episode.finished_on or ctx.as_of, ctx.as_of)
    level = rng.gauss(3.3, 0.6)
    gain = rng.gauss(0.22, 0.2)  # per review: most improve, some stay put or get worse
    first = True
    while day <= end:
        answers, more_help = _dialog(rng, level)
        scores = score_dialog(answers)
        yield (
            episode,
            "dialog",
            day,
            answers,
            more_help,
            scores.score,
            scores.secondary_score,
            first,
        )
        if first and rng.random() < 0.1:
            reqol = _reqol(rng, level)
            s = score_reqol10(reqol)
            yield (episode, "reqol10", day, reqol, [], s.score, s.secondary_score, False)
        first = False
        level = min(6.8, level + gain)
        gain *= 0.8
        day = plus(day, REVIEW_DAYS + rng.randint(-21, 30))


@generator("outcomes", after=("episodes",))
def outcomes(ctx: SynthContext) -> None:
    """DIALOG (and some ReQoL-10) measures; the first of each episode is its baseline."""
    rng = ctx.rng("outcomes")
    out = []
    for episode in ctx.world.episodes:  # episodes are in date order, so ids rise with time
        rows = list(_measures(ctx, rng, episode))
        ids = ctx.ids(OutcomeMeasure.__table__, len(rows))
        for measure_id, (_, kind, day, answers, more_help, score, second, baseline) in zip(
            ids, rows, strict=True
        ):
            if baseline:
                episode.sources["baseline_measure"] = ("outcome_measure", measure_id)
            out.append(
                (
                    measure_id,
                    episode.id,
                    episode.person_id,
                    kind,
                    day,
                    episode.lead.id,
                    at(day, rng),
                    answers,
                    more_help,
                    score,  # type: ignore[union-attr]
                    second,
                    baseline,
                )
            )
        if len(out) >= 20_000:
            _write(ctx, out)
            out = []
    _write(ctx, out)


def _write(ctx: SynthContext, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    ctx.insert(
        OutcomeMeasure.__table__,
        (
            "id",
            "episode_id",
            "person_id",
            "kind",
            "recorded_on",
            "recorded_by_id",
            "recorded_at",
            "answers",
            "more_help",
            "score",
            "secondary_score",
            "is_baseline",
        ),
        rows,
    )

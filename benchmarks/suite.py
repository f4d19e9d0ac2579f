"""One database's benchmark run: synthesise, count, time, load, grow; write JSON + markdown.

python -m benchmarks --database sqlite:////tmp/city.db --label sqlite
python -m benchmarks --database postgresql+psycopg://... --label postgresql
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from benchmarks import indicators, machine, report, throughput
from benchmarks.harness import SECRET, bench_app, counting, session_cookie, signed_in_client
from benchmarks.pages import PAGES, Case
from hubs.extensions import db
from hubs.synth import run_synth
from hubs.synth.scales import CITY, SCALES, Scale

RESULTS = Path(__file__).resolve().parent / "results"
REQUESTS = 200
FLOOR_RUNS = 200
MAX_STATEMENTS = 15
TARGET_RATIO = 3.0
TARGET_P95_MS = 150.0
GROWTH_PAGES = ("triage_queue", "caseload")
GROWTH_YEARS_BACK = 6  # each appended city's history ends this many years before the last


def migrate(app: Flask) -> None:
    import flask_migrate

    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()


def engine_of(app: Flask) -> sa.Engine:
    with app.app_context():
        return db.engine


def synthesise(app: Flask, scale: Scale, seed: int, **kwargs: Any) -> dict[str, Any]:
    from tqdm import tqdm

    with app.app_context():
        result = run_synth(
            db.engine,
            scale,
            seed=seed,
            progress=lambda u: tqdm(unit=f" {u}", unit_scale=True, disable=None),
            **kwargs,
        )
    return result.as_dict()


def cases(engine: sa.Engine, names: list[str] | None = None) -> dict[str, Case]:
    with engine.connect() as conn:
        return {n: PAGES[n].setup(conn) for n in names or list(PAGES)}


def statement_counts(app: Flask, found: dict[str, Case]) -> dict[str, int]:
    """Statements for one request to each page (after one warm-up request)."""
    engine = engine_of(app)
    counts = {}
    for name, case in found.items():
        client = signed_in_client(app, case.user_id)
        first = client.get(case.path)
        assert first.status_code == 200, f"{name}: {case.path} answered {first.status}"
        with counting(engine) as statements:
            response = client.get(case.path)
        assert response.status_code == 200, f"{name}: {case.path} answered {response.status}"
        counts[name] = len(statements)
    return counts


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def time_page(app: Flask, case: Case, requests: int = REQUESTS) -> dict[str, float]:
    client = signed_in_client(app, case.user_id)
    for _ in range(5):
        client.get(case.path)
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(case.path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, f"{case.path} answered {response.status}"
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
    }


def time_floor(engine: sa.Engine, case: Case, runs: int = FLOOR_RUNS) -> float:
    """Median time of the page's hand-written SQL, on one connection (rolled back after)."""
    times = []
    with engine.connect() as conn:
        for n in range(runs + 5):
            began = time.perf_counter()
            case.floor(conn)
            if n >= 5:
                times.append((time.perf_counter() - began) * 1000)
        conn.rollback()
    return round(statistics.median(times), 3)


def latency(app: Flask, found: dict[str, Case], counts: dict[str, int]) -> dict[str, Any]:
    engine = engine_of(app)
    results = {}
    for name, case in found.items():
        page = time_page(app, case)
        floor = time_floor(engine, case)
        ratio = page["median_ms"] / floor if floor else None
        results[name] = {
            "title": PAGES[name].title,
            "path": case.path,
            **page,
            "floor_median_ms": floor,
            "ratio": round(ratio, 2) if ratio else None,
            "statements": counts.get(name),
            "met": bool(ratio and ratio <= TARGET_RATIO and page["p95_ms"] <= TARGET_P95_MS),
        }
        print(
            f"  {name:<14} median {page['median_ms']:>8} ms  p95 {page['p95_ms']:>8} ms  "
            f"floor {floor:>8} ms  ratio {results[name]['ratio']}",
            flush=True,
        )
    return results


def table_rows(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in ("people", "referrals", "contacts", "episodes", "clock_events")
        }


def growth(app: Flask, seed: int, first: dict[str, Any]) -> dict[str, Any]:
    """Triage queue and caseload as the city's history grows to 2x and 4x its rows."""
    engine = engine_of(app)
    levels = {"1x": {"rows": table_rows(engine), **first}}
    appended = 0
    for label, cities in (("2x", 2), ("4x", 4)):
        while appended + 1 < cities:
            appended += 1
            synthesise(
                app, CITY, seed + appended, append=True, years_back=GROWTH_YEARS_BACK * appended
            )
        found = cases(engine, list(GROWTH_PAGES))
        levels[label] = {
            "rows": table_rows(engine),
            **{n: time_page(app, c) for n, c in found.items()},
        }
        print(
            f"  growth {label}: "
            + ", ".join(f"{n} {levels[label][n]['median_ms']} ms" for n in GROWTH_PAGES),
            flush=True,
        )
    for name in GROWTH_PAGES:
        base = levels["1x"][name]["median_ms"]
        levels[f"{name}_4x_over_1x"] = round(levels["4x"][name]["median_ms"] / base, 2)
    levels["sub_linear"] = all(levels[f"{n}_4x_over_1x"] < 4 for n in GROWTH_PAGES)
    return levels


def small_counts(small_url: str, seed: int) -> dict[str, int]:
    """Statement counts on a small synthetic database, to compare with city scale."""
    app = bench_app(small_url)
    migrate(app)
    synthesise(app, SCALES["small"], seed)
    return statement_counts(app, cases(engine_of(app)))


def run(args: argparse.Namespace) -> dict[str, Any]:
    app = bench_app(args.database)
    migrate(app)
    engine = engine_of(app)
    result: dict[str, Any] = {
        "label": args.label,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(engine),
        "scale": args.scale,
    }
    print(f"== {args.label}: synthesising {args.scale}", flush=True)
    result["synth"] = synthesise(app, SCALES[args.scale], args.seed)
    found = cases(engine)
    print("== statement counts", flush=True)
    city_counts = statement_counts(app, found)
    small = small_counts(args.small_database, args.seed) if args.small_database else {}
    result["statements"] = {
        n: {
            "small": small.get(n),
            args.scale: city_counts[n],
            "same": small.get(n) == city_counts[n] if small else None,
            "met": city_counts[n] <= MAX_STATEMENTS
            and (not small or small.get(n) == city_counts[n]),
        }
        for n in found
    }
    print("== latency", flush=True)
    result["latency"] = latency(app, found, city_counts)
    result["indicator_refresh"] = indicators.measure(engine)
    if not args.skip_throughput:
        print("== throughput", flush=True)
        team = found["hub_view"]
        name, value = session_cookie(app, team.user_id)
        result["throughput"] = throughput.measure(
            args.database, SECRET, team.path, f"{name}={value}", b"Waiting list", args.seconds
        )
        print(f"  {result['throughput']}", flush=True)
    if not args.skip_growth:
        print("== growth", flush=True)
        first = {
            n: {k: result["latency"][n][k] for k in ("median_ms", "p95_ms", "max_ms")}
            for n in GROWTH_PAGES
        }
        result["growth"] = growth(app, args.seed, first)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--small-database", help="a second empty database for small scale")
    parser.add_argument("--label", required=True, help="sqlite or postgresql")
    parser.add_argument("--scale", default="city", choices=sorted(SCALES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=throughput.SECONDS)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.label}.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / f"{args.label}.md").write_text(report.markdown(result))
    print(f"Wrote {args.out / (args.label + '.json')} and .md", flush=True)

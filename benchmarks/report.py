"""Markdown for one database's results, and a side-by-side summary of both databases.

python -m benchmarks.report   # benchmarks/results/{sqlite,postgresql}.json -> summary.md
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _yes(flag: object) -> str:
    return "met" if flag else "**not met**"


def _machine(m: dict[str, Any]) -> list[str]:
    return [
        f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, {m['os']}",
        f"- Python {m['python']}, SQLAlchemy {m['sqlalchemy']}, gunicorn {m['gunicorn']}, "
        f"{m['wrk']}",
        f"- Database: {m['database_version']}",
    ]


def _synth(s: dict[str, Any]) -> list[str]:
    main = ("people", "referrals", "contacts", "care_plans", "episodes", "audit_events")
    counts = ", ".join(f"{s['rows'].get(t, 0):,} {t.replace('_', ' ')}" for t in main)
    return [
        f"- Synthetic `{s['scale']}` data (seed {s['seed']}): {s['total_rows']:,} rows in "
        f"{s['seconds']} s = **{s['rows_per_second']:,} rows/s** ({counts})"
    ]


def _statements(r: dict[str, Any]) -> list[str]:
    scale = r["scale"]
    lines = ["| Page | small | " + scale + " | Target (same, <= 15) |", "|---|---:|---:|---|"]
    for name, c in r["statements"].items():
        lines.append(
            f"| {name} | {c['small'] if c['small'] is not None else '-'} | "
            f"{c[scale]} | {_yes(c['met'])} |"
        )
    return lines


def _latency(r: dict[str, Any]) -> list[str]:
    lines = [
        "| Page | Median ms | p95 ms | Raw SQL floor ms | Ratio | Target (<= 3x, p95 <= 150 ms) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, p in r["latency"].items():
        lines.append(
            f"| {name} | {p['median_ms']} | {p['p95_ms']} | {p['floor_median_ms']} | "
            f"{p['ratio']}x | {_yes(p['met'])} |"
        )
    return lines


def _throughput(t: dict[str, Any] | None) -> list[str]:
    if not t:
        return ["Not run."]
    h, p = t["hello_world"], t["page"]
    return [
        f"gunicorn, {t['workers']} sync workers, loopback; wrk {t['connections']} connections "
        f"for {t['seconds']} s each; signed-in manager on `{t['path']}` (hub caseloads).",
        "",
        "| Target | req/s | p50 ms | p95 ms | Errors |",
        "|---|---:|---:|---:|---:|",
        f"| hello world | {h['req_per_s']} | {h['p50_ms']} | {h['p95_ms']} | {h['errors']} |",
        f"| manager hub view | {p['req_per_s']} | {p['p50_ms']} | {p['p95_ms']} | {p['errors']} |",
        "",
        f"Share of hello-world: **{t['share_of_hello']:.1%}** (target >= 15% with 0 errors): "
        f"{_yes(t['met'])}.",
    ]


def _growth(g: dict[str, Any] | None) -> list[str]:
    if not g:
        return ["Not run."]
    lines = [
        "| Data | people | referrals | contacts | triage queue median ms | caseload median ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for level in ("1x", "2x", "4x"):
        d = g[level]
        rows = d["rows"]
        lines.append(
            f"| {level} | {rows['people']:,} | {rows['referrals']:,} | "
            f"{rows['contacts']:,} | {d['triage_queue']['median_ms']} | "
            f"{d['caseload']['median_ms']} |"
        )
    lines += [
        "",
        f"4x over 1x: triage queue {g['triage_queue_4x_over_1x']}x, caseload "
        f"{g['caseload_4x_over_1x']}x (sub-linear: {_yes(g['sub_linear'])}).",
    ]
    return lines


def _indicators(i: dict[str, Any]) -> list[str]:
    if i.get("status") != "measured":
        return [f"Not yet measured: {i.get('why', '')}."]
    return [
        f"Refresh {i['refresh_s']} s against a hand-written aggregate of {i['floor_s']} s: "
        f"{i['ratio']}x (target <= {i['target_ratio']}x)."
    ]


def markdown(r: dict[str, Any]) -> str:
    parts = [
        f"# Benchmarks on {r['label']} ({r['at']})",
        "",
        *_machine(r["machine"]),
        *_synth(r["synth"]),
        "",
        "## Statements per page",
        "",
        *_statements(r),
        "",
        "## Latency against the raw-SQL floor (200 requests each)",
        "",
        *_latency(r),
        "",
        "## Throughput",
        "",
        *_throughput(r.get("throughput")),
        "",
        "## Growth",
        "",
        *_growth(r.get("growth")),
        "",
        "## Indicator refresh",
        "",
        *_indicators(r["indicator_refresh"]),
        "",
    ]
    return "\n".join(parts)


def main() -> None:
    runs = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    text = "\n\n".join(markdown(r) for r in runs)
    (RESULTS / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

"""The bench report: percentiles, verdicts against the targets, markdown."""

import statistics
import sys
from dataclasses import dataclass, field
from typing import Any

WARMUP = 20
WRITE_CLIENTS = 8
WRITE_SECONDS = 10.0

# Targets of the issue, in milliseconds.
READ_GAP_MS = 25.0
SEARCH_GAP_MS = 100.0
ABSOLUTE_MS = 30.0


@dataclass
class Measured:
    """One table row: the API's and raw SQL's latencies, in milliseconds."""

    name: str
    api: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    note: str = ""
    search: bool = False
    absolute_target: bool = False
    write: bool = False


def percentile(samples: list[float], percentile: int) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percentile - 1]


def verdict(row: Measured) -> str:
    """Whether a read meets the issue's targets."""
    if not row.api or row.write:
        return ""
    api, sql = percentile(row.api, 50), percentile(row.sql, 50)
    gap_target = SEARCH_GAP_MS if row.search else READ_GAP_MS
    misses = []
    if api - sql > gap_target:
        misses.append(f"gap {api - sql:.0f} ms > {gap_target:.0f}")
    if row.absolute_target and api > ABSOLUTE_MS:
        misses.append(f"p50 > {ABSOLUTE_MS:.0f} ms")
    return "miss: " + "; ".join(misses) if misses else "ok"


def render(
    rows: list[Measured],
    *,
    api_rate: float,
    api_failed: int,
    raw_rate: float,
    memory: list[tuple[int, float]],
    context: dict[str, Any],
) -> str:
    """The whole report as markdown."""
    lines = [
        f"Cases: {context['cases']:,} in {context['workspaces']} workspaces;"
        f" measured workspace: {context['target_cases']:,} cases."
        f" Server: `casedesk serve --workers {context['workers']}`."
        f" {context['requests']} sequential requests after {WARMUP} warm-ups"
        f" (fewer for slow or batch operations; n below).",
        "",
        "| Operation | API p50 ms | API p95 ms | SQL p50 ms | API/SQL | n | Target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if not row.api:
            lines.append(f"| {row.name} | – | – | – | – | – | {row.note} |")
            continue
        api50, api95, sql50 = (
            percentile(row.api, 50),
            percentile(row.api, 95),
            percentile(row.sql, 50),
        )
        lines.append(
            f"| {row.name} | {api50:.1f} | {api95:.1f} | {sql50:.1f}"
            f" | {api50 / sql50:.1f}× | {len(row.api)} | {verdict(row)} |"
        )
    share = api_rate / raw_rate if raw_rate else float("nan")
    total_peak = sum(peak for _, peak in memory)
    per_process = ", ".join(f"{peak:.0f}" for _, peak in memory)
    lines += [
        "",
        "| Writes, 8 concurrent | Creates/s |",
        "|---|---:|",
        f"| API `POST /cases` ({WRITE_CLIENTS} clients, {WRITE_SECONDS:.0f} s)"
        f" | {api_rate:,.0f} |",
        f"| raw asyncpg, numbered case + event ({WRITE_CLIENTS} connections)"
        f" | {raw_rate:,.0f} |",
        f"| API / raw | {share:.2f} (target ≥ 0.33:"
        f" {'ok' if share >= 1 / 3 else 'miss'}) |",
        "",
        f"API create failures: {api_failed}. Server peak memory (VmHWM, sum over"
        f" {len(memory)} processes: {per_process} MB): **{total_peak:.0f} MB**"
        f" (target < 300 MB: {'ok' if total_peak < 300 else 'miss'}).",
    ]
    return "\n".join(lines) + "\n"


def progress(message: str) -> None:
    """A line of progress on standard error, apart from the report."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()

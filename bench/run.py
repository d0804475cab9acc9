"""Measure the API against the same queries as raw SQL, in one run.

Starts `casedesk serve` on the seeded bench database (see `bench.seed`), signs
in, and for each operation times N sequential requests over one persistent
HTTP connection, then N runs of the hand-written SQL the operation needs
(the same keyset page on the same index, the same count, the same
hydration queries), through asyncpg on one connection. Writes: creates per
second through the API at 8 concurrent clients beside raw asyncpg inserts of
the same rows (numbered case and its event) at 8 connections. Last, the
server's peak memory. Prints one markdown table.

    python -m bench.run [--database-url URL] [--workers 1|2] [--requests N]

An operation whose endpoint (or query parameter) the server does not declare
is reported as "endpoint not available" and skipped.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import asyncpg
import httpx

from bench.fixture import Fixture, load_fixture, restore_seed
from bench.operations import REQUESTS, Bench, Operation
from bench.report import (
    WARMUP,
    WRITE_CLIENTS,
    WRITE_SECONDS,
    Measured,
    percentile,
    progress,
    render,
)
from bench.seed import (
    BENCH_ADMIN_EMAIL,
    BENCH_ADMIN_PASSWORD,
    DEFAULT_DATABASE_URL,
    asyncpg_dsn,
    read_marker,
)
from bench.server import peak_memory_mb, served

# A slow operation stops sampling after this long (at least MIN_SAMPLES).
SAMPLE_BUDGET_SECONDS = 30.0
MIN_SAMPLES = 10

RAW_CREATE = (
    "WITH counter AS (UPDATE workspace SET case_counter = case_counter + 1"
    " WHERE id = $1 RETURNING case_counter),"
    ' created AS (INSERT INTO "case" (id, workspace_id, number, summary,'
    " description, status, priority, severity, num_tasks_total,"
    " num_tasks_completed, created_at, updated_at)"
    " SELECT gen_random_uuid(), $1, case_counter, $2, $3, 1, 2, 3, 0, 0, now(),"
    " now() FROM counter RETURNING id)"
    " INSERT INTO case_event (id, case_id, workspace_id, type, user_id, data,"
    " created_at) SELECT gen_random_uuid(), id, $1, 'case_created', $4, '{}', now()"
    " FROM created"
)


# -- measuring ------------------------------------------------------------------


async def timed(
    call: Callable[[int], Awaitable[Any]], count: int, check: Callable[[Any], None]
) -> list[float]:
    """Milliseconds of `count` sequential calls after WARMUP untimed ones."""
    warm_until = time.perf_counter() + SAMPLE_BUDGET_SECONDS / 3
    for index in range(WARMUP):
        check(await call(index))
        if time.perf_counter() > warm_until and index >= 1:
            break
    samples: list[float] = []
    started = time.perf_counter()
    for index in range(count):
        begin = time.perf_counter()
        result = await call(WARMUP + index)
        samples.append((time.perf_counter() - begin) * 1000)
        check(result)
        spent = time.perf_counter() - started
        if spent > SAMPLE_BUDGET_SECONDS and len(samples) >= MIN_SAMPLES:
            break
    return samples


class UnexpectedAnswer(Exception):
    """The API answered an operation with an error."""


class ServerDied(Exception):
    """The server process exited in the middle of the run."""


def expect_success(answer: httpx.Response) -> None:
    """Refuse a non-2xx answer: its timing would mean nothing."""
    if not answer.is_success:
        raise UnexpectedAnswer(f"HTTP {answer.status_code}: {answer.text[:200]}")


def declared(openapi: dict[str, Any], operation: Operation) -> str | None:
    """Why the server cannot run the operation, or None when it can."""
    path = "/workspaces/{workspace_id}" + operation.path
    route = openapi.get("paths", {}).get(path, {}).get(operation.method)
    if route is None:
        return "endpoint not available"
    names = {parameter["name"] for parameter in route.get("parameters", [])}
    missing = [name for name in operation.params if name not in names]
    if missing:
        return f"endpoint not available (no `{'`, `'.join(missing)}` parameter)"
    return None


async def measure_reads_and_writes(
    process: subprocess.Popen[bytes],
    client: httpx.AsyncClient,
    connection: asyncpg.Connection,
    fixture: Fixture,
    requests: int,
) -> list[Measured]:
    """Every operation, API then SQL, one after the other."""
    bench = Bench(client, fixture)
    openapi = (await client.get("/openapi.json")).json()
    await bench.find_deep_page(connection)

    results = []
    for operation in bench.operations():
        row = Measured(
            operation.name,
            search=operation.search,
            absolute_target=operation.absolute_target,
            write=operation.write,
        )
        results.append(row)
        missing = declared(openapi, operation)
        if missing is not None:
            row.note = missing
            progress(f"{operation.name}: {missing}")
            continue
        count = min(requests, operation.requests)
        try:
            row.api = await timed(operation.request, count, expect_success)
        except (UnexpectedAnswer, httpx.TransportError) as error:
            row.api = []
            row.note = f"API failed: {type(error).__name__} {error}"[:200]
            progress(f"{operation.name}: {row.note}")
            if process.poll() is not None:
                message = f"the server exited during {operation.name}"
                raise ServerDied(message) from error
            continue
        row.sql = await timed(partial(operation.sql, connection), count, _ignore)
        progress(
            f"{operation.name}: API p50 {percentile(row.api, 50):.1f} ms,"
            f" SQL p50 {percentile(row.sql, 50):.1f} ms"
        )
    return results


def _ignore(_: Any) -> None:
    return None


async def api_create_rate(
    base: str, cookies: httpx.Cookies, fixture: Fixture
) -> tuple[float, int]:
    """Creates per second through the API from WRITE_CLIENTS concurrent clients."""
    body = {
        "summary": "Suspicious PowerShell on fra-ws-01234",
        "description": "Encoded command spawned by winword.exe; " * 8,
        "status": "new",
        "priority": "medium",
        "severity": "high",
    }
    path = f"/workspaces/{fixture.workspace_id}/cases"
    limits = httpx.Limits(max_connections=WRITE_CLIENTS)
    created = failed = 0
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=30
    ) as client:
        deadline = time.perf_counter() + WRITE_SECONDS

        async def worker() -> None:
            nonlocal created, failed
            while time.perf_counter() < deadline:
                answer = await client.post(path, json=body)
                if answer.status_code == 201:
                    created += 1
                else:
                    failed += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(WRITE_CLIENTS)))
        elapsed = time.perf_counter() - started
    return created / elapsed, failed


async def raw_create_rate(dsn: str, fixture: Fixture) -> float:
    """Numbered case + event inserts per second over WRITE_CLIENTS connections."""
    connections = [await asyncpg.connect(dsn) for _ in range(WRITE_CLIENTS)]
    summary = "Suspicious PowerShell on fra-ws-01234"
    description = "Encoded command spawned by winword.exe; " * 8
    created = 0
    try:
        statement = RAW_CREATE
        deadline = time.perf_counter() + WRITE_SECONDS

        async def worker(connection: asyncpg.Connection) -> None:
            nonlocal created
            while time.perf_counter() < deadline:
                await connection.execute(
                    statement,
                    fixture.workspace_id,
                    summary,
                    description,
                    fixture.admin_id,
                )
                created += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(connection) for connection in connections))
        return created / (time.perf_counter() - started)
    finally:
        for connection in connections:
            await connection.close()


async def run(database_url: str, workers: int, requests: int) -> str:
    """Start the server, measure everything, restore the seed; the report."""
    dsn = asyncpg_dsn(database_url)
    connection = await asyncpg.connect(dsn)
    fixture = await load_fixture(connection)
    marker = await read_marker(connection)
    assert marker is not None
    served_url = "postgresql+asyncpg://" + dsn.split("://", 1)[1]
    try:
        async with served(served_url, workers) as (base, process):
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:
                login = await client.post(
                    "/auth/login",
                    data={
                        "username": BENCH_ADMIN_EMAIL,
                        "password": BENCH_ADMIN_PASSWORD,
                    },
                )
                login.raise_for_status()
                rows = await measure_reads_and_writes(
                    process, client, connection, fixture, requests
                )
                progress("writes: API creates at 8 concurrent clients")
                api_rate, api_failed = await api_create_rate(
                    base, client.cookies, fixture
                )
            progress("writes: raw inserts at 8 connections")
            raw_rate = await raw_create_rate(dsn, fixture)
            memory = peak_memory_mb(process.pid)
    finally:
        await restore_seed(connection, fixture)
        await connection.close()

    context = {
        "cases": marker["cases"],
        "workspaces": len(marker["workspaces"]),
        "target_cases": marker["workspaces"][str(fixture.workspace_id)],
        "workers": workers,
        "requests": requests,
    }
    return render(
        rows,
        api_rate=api_rate,
        api_failed=api_failed,
        raw_rate=raw_rate,
        memory=memory,
        context=context,
    )


def main() -> None:
    """Run from the command line; the markdown report goes to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CASEDESK_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 1))
    )
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", REQUESTS))
    )
    arguments = parser.parse_args()
    report = asyncio.run(
        run(arguments.database_url, arguments.workers, arguments.requests)
    )
    sys.stdout.write(report)


if __name__ == "__main__":
    main()

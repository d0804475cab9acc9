"""The casedesk server a bench run measures: started, awaited, its memory."""

import asyncio
import os
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.report import progress
from bench.seed import BENCH_ADMIN_EMAIL, BENCH_ADMIN_PASSWORD, REPOSITORY

CASEDESK = REPOSITORY / ".venv" / "bin" / "casedesk"
STARTUP_SECONDS = 90.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served(database_url: str, workers: int) -> Any:
    """`casedesk serve` on a free port; yields (base URL, process)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-") as data_dir:
        environment = {
            **os.environ,
            "CASEDESK_DATABASE_URL": database_url,
            "CASEDESK_DATA_DIR": data_dir,
            "CASEDESK_SECRET": "bench-secret-" + uuid.uuid4().hex,
            "CASEDESK_ADMIN_EMAIL": BENCH_ADMIN_EMAIL,
            "CASEDESK_ADMIN_PASSWORD": BENCH_ADMIN_PASSWORD,
            "CASEDESK_LOG_FORMAT": "json",
        }
        # Kept after the run, for the traceback of an API failure.
        log_path = Path(tempfile.gettempdir()) / "casedesk-bench-server.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [str(CASEDESK), "serve", "--port", str(port)]
                + ["--workers", str(workers)],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                await _wait_healthy(base, process, log_path)
                yield base, process
            except Exception:
                progress(f"server log ({log_path}):\n{log_path.read_text()[-3000:]}")
                raise
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


async def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-2000:]}")
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError("server did not become healthy")


def process_tree(root: int) -> list[int]:
    """The pid and every descendant's, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(parents.get(pid, []))
    return tree


def peak_memory_mb(root: int) -> list[tuple[int, float]]:
    """VmHWM (peak resident set) of each process of the tree, in MB."""
    peaks = []
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append((pid, int(line.split()[1]) / 1024))
    return peaks

"""The `casedesk` command run as a real process on the default SQLite database."""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from casedesk.db.migrate import upgrade_to_head
from tests.factories import kev_catalog

CASEDESK = Path(sys.executable).with_name("casedesk")
SMALL_CATALOG_SIZE = 25
PASSWORD_LINE = re.compile(r"generated password, shown only now: (\S+)")
STARTUP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Cli:
    """Runs `casedesk` processes with a byte-code cache shared between them."""

    pycache: Path

    def env(self, data_dir: Path) -> dict[str, str]:
        """No CASEDESK_* setting but the data directory."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("CASEDESK_")
        }
        env["CASEDESK_DATA_DIR"] = str(data_dir)
        # Where writing byte code is switched off, every process would compile
        # all of FastAPI and SQLAlchemy again (seconds each); cache it outside
        # the repository instead.
        if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        return env

    def run(self, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `casedesk ARGS` to completion."""
        return subprocess.run(
            [str(CASEDESK), *args],
            env=self.env(data_dir),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def migrate_in_process(data_dir: Path) -> Path:
    """Create and migrate the SQLite database of `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(f"sqlite+aiosqlite:///{data_dir / 'casedesk.db'}")
    return data_dir


@dataclass
class ServeRun:
    """What one `casedesk serve` printed, and whether its sign-in worked."""

    stdout: str
    stderr: str
    login_status: int | None


def serve_once(
    cli: Cli,
    data_dir: Path,
    log_dir: Path,
    *,
    sign_in: bool,
    options: tuple[str, ...] = (),
) -> ServeRun:
    """Start `casedesk serve`, wait for /health, optionally sign in, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = log_dir / "stdout.txt", log_dir / "stderr.txt"

    with stdout_path.open("w") as stdout, stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [str(CASEDESK), "serve", "--port", str(port), *options],
            env=cli.env(data_dir),
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_until_healthy(process, base, stderr_path)
        login_status = None
        if sign_in:
            match = PASSWORD_LINE.search(stdout_path.read_text())
            assert match is not None, stdout_path.read_text()
            response = httpx.post(
                f"{base}/auth/login",
                data={"username": "admin@example.com", "password": match[1]},
                timeout=30,
            )
            login_status = response.status_code
    finally:
        stop(process)

    return ServeRun(stdout_path.read_text(), stderr_path.read_text(), login_status)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(
    process: subprocess.Popen[bytes], base: str, stderr_path: Path
) -> None:
    """Poll /health until it answers 200; fail if the server exits first."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited early: {stderr_path.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"serve was not healthy in time: {stderr_path.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server this test started, killing it if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The `casedesk` runner of this module."""
    return Cli(pycache=tmp_path_factory.mktemp("pycache"))


@pytest.fixture(scope="module")
def served(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ServeRun]:
    """A migrated installation after its first `casedesk serve`."""
    data_dir = migrate_in_process(tmp_path_factory.mktemp("served") / "data")
    logs = tmp_path_factory.mktemp("first-serve")
    return data_dir, serve_once(cli, data_dir, logs, sign_in=True)


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first records of the real catalog, as a catalog file."""
    document = json.loads(kev_catalog().read_text(encoding="utf-8"))
    document["vulnerabilities"] = document["vulnerabilities"][:SMALL_CATALOG_SIZE]
    document["count"] = SMALL_CATALOG_SIZE
    path = tmp_path_factory.mktemp("catalog") / "kev.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imports(
    cli: Cli, served: tuple[Path, ServeRun], small_catalog: Path
) -> tuple[subprocess.CompletedProcess[str], ...]:
    """Two `casedesk import cisa-kev` runs of the same file, in order."""
    data_dir, _ = served
    first = cli.run(data_dir, "import", "cisa-kev", str(small_catalog))
    second = cli.run(data_dir, "import", "cisa-kev", str(small_catalog))
    return first, second


def test_migrate_creates_the_database(cli: Cli, tmp_path: Path) -> None:
    data_dir = tmp_path / "not-yet" / "data"

    result = cli.run(data_dir, "migrate")

    assert result.returncode == 0, result.stderr
    assert "Database is up to date" in result.stdout
    assert (data_dir / "casedesk.db").is_file()


def test_serve_refuses_an_unmigrated_database(cli: Cli, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    sqlite3.connect(data_dir / "casedesk.db").close()

    result = cli.run(data_dir, "serve", "--port", str(free_port()))

    assert result.returncode == 1
    assert "Run `casedesk migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_without_a_database_asks_for_migrate(cli: Cli, tmp_path: Path) -> None:
    result = cli.run(tmp_path / "data", "import", "cisa-kev", str(kev_catalog()))

    assert result.returncode == 1
    assert "Run `casedesk migrate` first" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_import_without_a_workspace_fails(cli: Cli, tmp_path: Path) -> None:
    data_dir = migrate_in_process(tmp_path / "data")

    result = cli.run(data_dir, "import", "cisa-kev", str(kev_catalog()))

    assert result.returncode == 1
    assert "No workspace exists yet: run `casedesk serve` once first" in (result.stderr)
    assert "Traceback" not in result.stderr


def test_import_of_a_file_that_is_not_json_fails(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "kev.json"
    path.write_text("<!doctype html><title>Not the catalog</title>", "utf-8")

    result = cli.run(tmp_path / "data", "import", "cisa-kev", str(path))

    assert result.returncode == 1
    assert f"casedesk: {path} is not a readable JSON file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_first_start_prints_the_generated_password_once(
    served: tuple[Path, ServeRun],
) -> None:
    _, first_start = served

    passwords = PASSWORD_LINE.findall(first_start.stdout)

    assert len(passwords) == 1
    assert len(passwords[0]) >= 16
    assert "Created the first admin: admin@example.com" in first_start.stdout
    assert passwords[0] not in first_start.stderr


def test_printed_credentials_sign_in(served: tuple[Path, ServeRun]) -> None:
    _, first_start = served

    assert first_start.login_status == 204


def test_second_start_prints_no_password(
    cli: Cli, served: tuple[Path, ServeRun], tmp_path: Path
) -> None:
    data_dir, _ = served

    second_start = serve_once(cli, data_dir, tmp_path / "logs", sign_in=False)

    assert "casedesk is serving on" in second_start.stdout
    assert "password, shown only now" not in second_start.stdout
    assert "Created the first admin" not in second_start.stdout


def test_import_prints_a_summary(
    imports: tuple[subprocess.CompletedProcess[str], ...],
) -> None:
    first, _ = imports

    assert first.returncode == 0, first.stderr
    assert (
        f"Imported {SMALL_CATALOG_SIZE} new cases from {SMALL_CATALOG_SIZE} "
        "records; 0 were already present, 0 skipped." in first.stdout
    )


def test_second_import_prints_that_nothing_was_imported(
    imports: tuple[subprocess.CompletedProcess[str], ...],
) -> None:
    _, second = imports

    assert second.returncode == 0, second.stderr
    assert (
        f"Nothing to import: all {SMALL_CATALOG_SIZE} records are already cases."
        in second.stdout
    )
    assert "Imported" not in second.stdout


def test_first_start_can_import_the_kev_catalog(
    cli: Cli, small_catalog: Path, tmp_path: Path
) -> None:
    data_dir = migrate_in_process(tmp_path / "data")
    options = ("--import-kev", str(small_catalog))

    first = serve_once(cli, data_dir, tmp_path / "first", sign_in=True, options=options)
    second = serve_once(
        cli, data_dir, tmp_path / "second", sign_in=False, options=options
    )

    assert first.login_status == 204
    assert (
        f"Imported {SMALL_CATALOG_SIZE} KEV cases into the first workspace "
        "(0 records skipped)." in first.stdout
    )
    assert "KEV" not in second.stdout
    listed = cli.run(data_dir, "import", "cisa-kev", str(small_catalog))
    assert f"all {SMALL_CATALOG_SIZE} records are already cases" in listed.stdout


def test_first_start_serves_even_when_the_catalog_is_unreadable(
    cli: Cli, tmp_path: Path
) -> None:
    data_dir = migrate_in_process(tmp_path / "data")
    missing = tmp_path / "missing.json"

    run = serve_once(
        cli,
        data_dir,
        tmp_path / "logs",
        sign_in=True,
        options=("--import-kev", str(missing)),
    )

    assert run.login_status == 204
    assert "Skipped the KEV import:" in run.stderr

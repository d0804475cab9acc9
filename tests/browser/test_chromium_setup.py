"""How the browser tests get Chromium: apt-get, once, only as root.

apt-get is replaced by a fake here; the real one never runs in these tests.
"""

import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium
from tests.browser.chromium import ensure_chromium


class FakeAptGet:
    """Stands in for `subprocess.run(["apt-get", …])`; records every call."""

    def __init__(self, executable: Path, *, failures: set[str]) -> None:
        self.executable = executable
        self.failures = failures
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, command: list[str], **_: Any) -> subprocess.CompletedProcess:
        assert command[0] == "apt-get"
        step = " ".join(command[1:])
        with self.lock:
            self.calls.append(step)
        # Long enough for a second worker to queue up on the install lock.
        time.sleep(0.05)

        if step in self.failures:
            self.failures.discard(step)
            return subprocess.CompletedProcess(command, 100, "", "E: Unable to locate")
        if command[1] == "install":
            self.executable.write_text("#!/bin/sh\n")
            self.executable.chmod(0o755)
        return subprocess.CompletedProcess(command, 0, "", "")


INSTALL = "install -y --no-install-recommends chromium"


@pytest.fixture
def executable(tmp_path: Path) -> Path:
    """Where Chromium would be; missing at first."""
    return tmp_path / "chromium"


@pytest.fixture
def as_root_with_apt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test runs as root on a machine with apt-get."""
    monkeypatch.setattr(chromium.os, "geteuid", lambda: 0)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: f"/usr/bin/{name}")


def fake_apt(
    monkeypatch: pytest.MonkeyPatch, executable: Path, *failures: str
) -> FakeAptGet:
    apt = FakeAptGet(executable, failures=set(failures))
    monkeypatch.setattr(chromium.subprocess, "run", apt)
    return apt


def test_present_chromium_needs_nothing(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    apt = fake_apt(monkeypatch, executable)

    assert ensure_chromium(executable, tmp_path / "lock") is None
    assert apt.calls == []


@pytest.mark.usefixtures("as_root_with_apt")
def test_missing_chromium_is_installed(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    apt = fake_apt(monkeypatch, executable)

    assert ensure_chromium(executable, tmp_path / "lock") is None
    assert apt.calls == [INSTALL]
    assert executable.is_file()


@pytest.mark.usefixtures("as_root_with_apt")
def test_failed_install_updates_the_package_lists_and_retries(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    apt = fake_apt(monkeypatch, executable, INSTALL)

    assert ensure_chromium(executable, tmp_path / "lock") is None
    assert apt.calls == [INSTALL, "update", INSTALL]


@pytest.mark.usefixtures("as_root_with_apt")
def test_a_failing_update_is_the_reason_given(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    apt = fake_apt(monkeypatch, executable, INSTALL, "update")

    reason = ensure_chromium(executable, tmp_path / "lock")

    assert reason == "apt-get update exited 100: E: Unable to locate"
    assert apt.calls == [INSTALL, "update"]


@pytest.mark.usefixtures("as_root_with_apt")
def test_two_workers_install_once(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    apt = fake_apt(monkeypatch, executable)
    reasons: list[str | None] = []

    workers = [
        threading.Thread(
            target=lambda: reasons.append(
                ensure_chromium(executable, tmp_path / "lock")
            )
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert reasons == [None, None]
    assert apt.calls == [INSTALL]


def test_without_root_nothing_is_installed(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(chromium.os, "geteuid", lambda: 1000)
    apt = fake_apt(monkeypatch, executable)

    reason = ensure_chromium(executable, tmp_path / "lock")

    assert reason == "it is missing, and only root may install it"
    assert apt.calls == []


def test_without_apt_get_nothing_is_installed(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(chromium.os, "geteuid", lambda: 0)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: None)
    apt = fake_apt(monkeypatch, executable)

    reason = ensure_chromium(executable, tmp_path / "lock")

    assert reason == "it is missing, and apt-get is not there to install it"
    assert apt.calls == []

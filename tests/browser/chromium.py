"""Debian's Chromium for the browser tests, installed with apt-get when missing.

Playwright never downloads a browser for casedesk's tests: they drive the
system's Chromium, which a root test run installs itself from Debian.
"""

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Two pytest-xdist workers may both find Chromium missing; one installs it.
INSTALL_LOCK = Path("/tmp/casedesk-browser-tests-chromium.lock")
APT_TIMEOUT_SECONDS = 900
INSTALL = ("install", "-y", "--no-install-recommends", "chromium")


def ensure_chromium(
    executable: Path = CHROMIUM, lock_path: Path = INSTALL_LOCK
) -> str | None:
    """Make sure `executable` exists; None when it does, else why it cannot."""
    if is_usable(executable):
        return None
    if os.geteuid() != 0:
        return "it is missing, and only root may install it"
    if shutil.which("apt-get") is None:
        return "it is missing, and apt-get is not there to install it"

    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # The worker that held the lock before us may have installed it.
        if is_usable(executable):
            return None

        failure = apt_get(*INSTALL)
        if failure is not None:
            # A fresh machine has no package lists yet: fetch them, retry.
            failure = apt_get("update") or apt_get(*INSTALL)

    if failure is not None:
        return failure
    if not is_usable(executable):
        return "the chromium package did not provide it"
    return None


def is_usable(executable: Path) -> bool:
    """Whether `executable` is a file we may run."""
    return executable.is_file() and os.access(executable, os.X_OK)


def apt_get(*arguments: str) -> str | None:
    """Run apt-get without questions; None on success, else what went wrong."""
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        result = subprocess.run(
            ["apt-get", *arguments],
            env=environment,
            capture_output=True,
            text=True,
            timeout=APT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"apt-get {arguments[0]} failed: {error}"

    if result.returncode != 0:
        last_lines = " ".join(result.stderr.strip().splitlines()[-3:])
        return f"apt-get {arguments[0]} exited {result.returncode}: {last_lines}"
    return None

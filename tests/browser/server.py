"""A real casedesk server for the browser: uvicorn in a thread of its own."""

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from casedesk.app import create_app
from casedesk.config import Settings
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD

HOST = "127.0.0.1"
SECRET = "test-secret-not-for-production"
STARTUP_TIMEOUT_SECONDS = 30.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0


@dataclass
class LiveServer:
    """casedesk served over TCP on 127.0.0.1, on its own thread and event loop.

    The application is built inside that thread, so its database engine
    belongs to the server's loop, not to the tests' loop.
    """

    database_url: str
    data_dir: Path
    url: str = ""
    _socket: socket.socket | None = None
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _started: threading.Event = field(default_factory=threading.Event)
    _failure: BaseException | None = None

    async def start(self) -> None:
        """Bind a free port, serve in the background, wait for `/health`."""
        # Binding here, before the thread starts, leaves no window in which
        # another process could take the port.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, 0))
        port = self._socket.getsockname()[1]
        self.url = f"http://{HOST}:{port}"

        self._thread = threading.Thread(
            target=self._run, name=f"casedesk-live-{port}", daemon=True
        )
        self._thread.start()
        await self._wait_until_healthy()

    async def stop(self) -> None:
        """Ask uvicorn to finish its requests and exit, then join the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, SHUTDOWN_TIMEOUT_SECONDS)
            assert not self._thread.is_alive(), "the live server did not stop"
        if self._socket is not None:
            self._socket.close()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported to the waiting fixture
            self._failure = error
            self._started.set()

    async def _serve(self) -> None:
        settings = Settings(
            data_dir=self.data_dir,
            database_url=self.database_url,
            secret=SecretStr(SECRET),
            admin_email=ADMIN_EMAIL,
            admin_password=SecretStr(ADMIN_PASSWORD),
            public_url=self.url,
        )
        config = uvicorn.Config(
            create_app(settings),
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._started.set()

        assert self._socket is not None
        await self._server.serve(sockets=[self._socket])

    async def _wait_until_healthy(self) -> None:
        await asyncio.to_thread(self._started.wait, STARTUP_TIMEOUT_SECONDS)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        last_error = "no answer yet"

        async with httpx.AsyncClient(base_url=self.url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self._failure is not None:
                    raise RuntimeError("the live server crashed") from self._failure
                try:
                    response = await client.get("/health")
                except httpx.TransportError as error:
                    last_error = repr(error)
                else:
                    if response.status_code == 200:
                        return
                    last_error = f"{response.status_code} {response.text}"
                await asyncio.sleep(0.05)

        raise RuntimeError(
            f"the live server at {self.url} is not healthy: {last_error}"
        )

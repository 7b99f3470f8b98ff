"""Run an aiohttp app on 127.0.0.1 from a daemon thread, so synchronous tests can drive it."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from typing import Self

from aiohttp import web

# A fake answering late on purpose (long polls, injected delays) must not hold up stop().
SHUTDOWN_TIMEOUT = 0.5


class BackgroundServer:
    """Base of the fakes: `start()`/`stop()`, context manager, `.url`, `wait_for()`.

    Subclasses build the app and guard their state with `_lock`, which request handlers
    (server thread) and tests (main thread) share.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._port: int | None = None
        self._startup_error: BaseException | None = None

    def make_app(self) -> web.Application:
        raise NotImplementedError

    def summary(self) -> str:
        """What the fake has seen, for assertion messages."""
        raise NotImplementedError

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0) -> None:
        """Poll `predicate` (under the state lock) until true, else fail with `summary()`."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if predicate():
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout} s\n{self.summary()}")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://127.0.0.1:{self._port}"

    def start(self, port: int = 0) -> Self:
        """Serves on `port` (0: one the OS picks, free for sure)."""
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__} is already started")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready, port), name=type(self).__name__, daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{type(self).__name__} did not start within 10 s")
        if self._startup_error is not None:
            raise RuntimeError(f"{type(self).__name__} failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None or self._stopping is None:
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)
        self._thread = self._loop = self._stopping = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self, ready: threading.Event, port: int) -> None:
        try:
            asyncio.run(self._serve(ready, port))
        except BaseException as error:  # reported to the thread that called start()
            self._startup_error = error
            ready.set()

    async def _serve(self, ready: threading.Event, port: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", port))  # port 0: the OS picks a free port, no race with others
        try:
            await web.SockSite(runner, sock).start()
            self._port = sock.getsockname()[1]
            ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()

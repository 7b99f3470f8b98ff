"""A fake server in a child process, driven through a pipe, so that its CPU time is neither
the bot's nor the benchmark's (in a thread of the benchmark process, the fake and the code
measuring would share one interpreter lock)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections.abc import Callable, Sequence
from typing import Any, Self

from fakes._server import BackgroundServer


def _serve(
    conn: multiprocessing.connection.Connection, make: Callable[..., Any], args: tuple
) -> None:
    fake = make(*args)
    with fake:
        conn.send({"url": fake.url, "token": getattr(fake, "token", None)})
        while (request := conn.recv()) != "stop":
            function, arguments = request
            conn.send(function(fake, *arguments))


class FakeChild:
    """`with FakeChild(make, *args) as fake:` starts `make(*args)` (a fake server, not yet
    started) in a child process and serves `fake.url` (and `fake.token`). `fake.run(f, *a)`
    calls `f(server, *a)` there, f a module-level function, and returns its picklable result."""

    def __init__(
        self, make: Callable[..., BackgroundServer], *args: Any, keep: Sequence[Callable] = ()
    ) -> None:
        """`keep`: functions whose results are kept when the child stops, for whoever reads
        the fake after that (the tests' leak search)."""
        self._make, self._args, self._keep = make, args, keep
        self._kept: dict[Callable, Any] = {}

    def __enter__(self) -> Self:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, self._make, self._args), daemon=True
        )
        self._process.start()
        started = self._conn.recv()
        self.url: str = started["url"]
        self.token: str | None = started["token"]
        return self

    def run(self, function: Callable[..., Any], *args: Any) -> Any:
        if function in self._kept and not args:
            return self._kept[function]
        self._conn.send((function, args))
        return self._conn.recv()

    def __exit__(self, *exc_info: object) -> None:
        self._kept = {function: self.run(function) for function in self._keep}
        self._conn.send("stop")
        self._process.join(10)
